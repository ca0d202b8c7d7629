package worker

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

// Queues is the operator's view of the queues: sizes, dead (archived) tasks, and re-running them.
type Queues struct {
	o       Options
	rdb     redis.UniversalClient
	inspect *asynq.Inspector
	records *records
}

// DeadTask is an archived task: one that failed permanently or ran out of retries.
type DeadTask struct {
	Queue    string    `json:"queue"`
	TaskID   string    `json:"task_id"`
	LetterID string    `json:"letter_id"`
	Error    string    `json:"error"`
	FailedAt time.Time `json:"failed_at"`
}

// QueueSize counts a queue's tasks by state.
type QueueSize struct {
	Pending   int `json:"pending"`
	Active    int `json:"active"`
	Scheduled int `json:"scheduled"`
	Retry     int `json:"retry"`
	Archived  int `json:"archived"`
	Completed int `json:"completed"`
}

// QueueNames are the queues a Server processes, render queues first.
var QueueNames = []string{QueueRenderUrgent, QueueRenderDefault, QueueRenderBulk, QueueDeliver}

// NewQueues connects to o.Redis (only Redis is needed). Close it when done.
func NewQueues(o Options) *Queues {
	o = o.withDefaults()
	q := &Queues{o: o}
	rdb, err := o.redisClient()
	if err != nil {
		return q
	}
	q.rdb = rdb
	q.inspect = asynq.NewInspectorFromRedisClient(rdb)
	q.records = &records{rdb: rdb, retention: o.Retention, now: time.Now}
	return q
}

// Close releases the Redis connections.
func (q *Queues) Close() error {
	if q.rdb == nil {
		return nil
	}
	return q.rdb.Close()
}

func (q *Queues) ready() error {
	if q.rdb == nil {
		return fmt.Errorf("queues: Options.Redis is required")
	}
	return nil
}

// Sizes returns the size of each of QueueNames; a queue that never held a task is all zero.
func (q *Queues) Sizes(ctx context.Context) (map[string]QueueSize, error) {
	if err := q.ready(); err != nil {
		return nil, err
	}
	known, err := q.inspect.Queues()
	if err != nil {
		return nil, fmt.Errorf("list queues: %w", err)
	}
	out := make(map[string]QueueSize, len(QueueNames))
	for _, name := range QueueNames {
		if !slices.Contains(known, name) {
			out[name] = QueueSize{} // no task was ever queued there
			continue
		}
		info, err := q.inspect.GetQueueInfo(name)
		if err != nil {
			return nil, fmt.Errorf("read size of queue %s: %w", name, err)
		}
		out[name] = QueueSize{Pending: info.Pending, Active: info.Active, Scheduled: info.Scheduled,
			Retry: info.Retry, Archived: info.Archived, Completed: info.Completed}
	}
	return out, nil
}

// Archived lists every archived task of QueueNames, oldest failure first.
func (q *Queues) Archived(ctx context.Context) ([]DeadTask, error) {
	if err := q.ready(); err != nil {
		return nil, err
	}
	var out []DeadTask
	for _, name := range QueueNames {
		for page := 1; ; page++ {
			tasks, err := q.inspect.ListArchivedTasks(name, asynq.Page(page), asynq.PageSize(500))
			if errors.Is(err, asynq.ErrQueueNotFound) {
				break
			}
			if err != nil {
				return nil, fmt.Errorf("list archived tasks of %s: %w", name, err)
			}
			for _, t := range tasks {
				out = append(out, DeadTask{Queue: name, TaskID: t.ID, LetterID: letterOf(t.Payload),
					Error: t.LastErr, FailedAt: t.LastFailedAt})
			}
			if len(tasks) < 500 {
				break
			}
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].FailedAt.Before(out[j].FailedAt) })
	return out, nil
}

// letterOf returns the letter id a task payload names in clear, or "".
func letterOf(payload []byte) string {
	id, _, err := envelope(payload)
	if err != nil {
		return ""
	}
	return id
}

// Retry runs archived task taskID of queue again now. The letter goes back to the status
// before the failed step (queued or rendered), so the task does its work again.
func (q *Queues) Retry(ctx context.Context, queue, taskID string) error {
	if err := q.ready(); err != nil {
		return err
	}
	t, err := q.inspect.GetTaskInfo(queue, taskID)
	if err != nil {
		return fmt.Errorf("retry task %s of %s: %w", taskID, queue, err)
	}
	if t.State != asynq.TaskStateArchived {
		return fmt.Errorf("retry task %s of %s: it is %s, not archived", taskID, queue, t.State)
	}
	if id := letterOf(t.Payload); id != "" {
		_, err := q.records.update(ctx, id, func(l *Letter) error {
			if l.Status != StatusFailed {
				return errUnchanged
			}
			// A render task also delivers (see Server.render): when it failed in the delivery,
			// the documents stand and the letter goes back to rendered, whose render task run
			// queues the delivery.
			back := StatusQueued
			if t.Type == TypeDeliver || len(l.Documents) > 0 {
				back = StatusRendered
			}
			l.Status = back
			l.LastError = "retried by an operator after: " + l.LastError
			return nil
		})
		if err != nil && !errors.Is(err, ErrNotFound) {
			return fmt.Errorf("retry task %s of %s: %w", taskID, queue, err)
		}
	}
	if err := q.inspect.RunTask(queue, taskID); err != nil {
		return fmt.Errorf("retry task %s of %s: %w", taskID, queue, err)
	}
	return nil
}

// RetryAll runs every archived task again and returns how many.
func (q *Queues) RetryAll(ctx context.Context) (int, error) {
	dead, err := q.Archived(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, d := range dead {
		if err := q.Retry(ctx, d.Queue, d.TaskID); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
