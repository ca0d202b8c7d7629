package worker

import (
	"context"
	"fmt"
	"log/slog"
)

const levelDebug = slog.LevelDebug

// attrLetter are the log attributes of a letter: ids and status only.
func attrLetter(l *Letter) []slog.Attr {
	return []slog.Attr{
		slog.String("letter", l.ID), slog.String("tenant", l.Tenant),
		slog.String("template", l.Template), slog.String("status", string(l.Status)),
	}
}

// asynqLogger hands Asynq's log lines to slog.
type asynqLogger struct{ l *slog.Logger }

func (a asynqLogger) log(level slog.Level, args ...any) {
	a.l.Log(context.Background(), level, fmt.Sprint(args...), slog.String("component", "asynq"))
}
func (a asynqLogger) Debug(args ...any) { a.log(slog.LevelDebug, args...) }
func (a asynqLogger) Info(args ...any)  { a.log(slog.LevelInfo, args...) }
func (a asynqLogger) Warn(args ...any)  { a.log(slog.LevelWarn, args...) }
func (a asynqLogger) Error(args ...any) { a.log(slog.LevelError, args...) }
func (a asynqLogger) Fatal(args ...any) { a.log(slog.LevelError+4, args...) }
