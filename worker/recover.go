package worker

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

// Fast recovery of letters in flight. Asynq hands the task of a dead worker back only after its
// lease (30 s, not configurable) has been expired for another 30 s, checking once a minute: a
// killed worker's letters stood still for 61-115 s. postbud recovers them itself, within
// about heartbeatTTL + recoverEvery (under 10 s):
//
//   - every worker process beats (postbud:worker:<instance>, expiring after heartbeatTTL) and
//     lists the letters it is working on (postbud:inflight:<instance>);
//   - a sweep, run by whichever worker holds the lock, takes the letters of every instance whose
//     beat has expired, and each process takes its own listed letters that it is no longer
//     running (the end of a run could not be written: Redis was failing over);
//   - such a letter gets a new task of the kind its status needs (render or deliver), made from
//     the payload stored with its record, under a TaskID naming the attempt. The handlers are
//     idempotent per letter and the delivery ledger stands guard over the hand-off, so the old
//     task, when Asynq finally recovers it, finds nothing left to do.
const (
	heartbeatEvery = 2 * time.Second
	heartbeatTTL   = 6 * time.Second
	recoverEvery   = 2 * time.Second
)

const workersKey = "postbud:workers"

func heartbeatKey(instance string) string { return "postbud:worker:{" + instance + "}" }
func inflightKey(instance string) string  { return "postbud:inflight:{" + instance + "}" }

// newInstance names a worker process: host, pid and a random part.
func newInstance() string {
	host, _ := os.Hostname()
	var b [4]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}

// tracker lists the letters this process is working on, in memory and in Redis.
type tracker struct {
	rdb      redis.UniversalClient
	instance string
	mu       sync.Mutex
	running  map[string]int
	// suspect holds the listed letters the last own sweep found not running; only one found
	// so twice in a row is taken for left behind (a run that just ended is unlisted by then).
	suspect map[string]bool
}

// track wraps a handler of single-letter tasks: the letter is listed while the handler runs.
func (tr *tracker) track(h asynq.HandlerFunc) asynq.HandlerFunc {
	return func(ctx context.Context, t *asynq.Task) error {
		id := letterOf(t.Payload())
		if !validID(id) {
			return h(ctx, t)
		}
		tr.mu.Lock()
		tr.running[id]++
		tr.mu.Unlock()
		_ = tr.rdb.SAdd(ctx, inflightKey(tr.instance), id).Err()
		defer func() {
			_ = tr.rdb.SRem(context.WithoutCancel(ctx), inflightKey(tr.instance), id).Err()
			tr.mu.Lock()
			if tr.running[id]--; tr.running[id] <= 0 {
				delete(tr.running, id)
			}
			tr.mu.Unlock()
		}()
		return h(ctx, t)
	}
}

func (tr *tracker) isRunning(id string) bool {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return tr.running[id] > 0
}

// beat refreshes this process's heartbeat.
func (tr *tracker) beat(ctx context.Context) {
	_, _ = tr.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, heartbeatKey(tr.instance), "1", heartbeatTTL)
		p.ZAdd(ctx, workersKey, redis.Z{Score: float64(time.Now().Unix()), Member: tr.instance})
		p.Expire(ctx, inflightKey(tr.instance), 24*time.Hour)
		return nil
	})
}

// alive reports whether instance's heartbeat stands.
func alive(ctx context.Context, rdb redis.UniversalClient, instance string) bool {
	n, err := rdb.Exists(ctx, heartbeatKey(instance)).Result()
	return err != nil || n == 1 // when Redis cannot tell, take it as alive
}

// heartbeatLoop beats and runs the recovery sweeps until ctx ends, then says goodbye (so the
// letters it hands back to the queue on shutdown are not taken for a dead worker's).
func (s *Server) heartbeatLoop(ctx context.Context) {
	s.tracker.beat(ctx)
	beat := time.NewTicker(heartbeatEvery)
	sweep := time.NewTicker(recoverEvery)
	defer beat.Stop()
	defer sweep.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-beat.C:
			s.tracker.beat(ctx)
		case <-sweep.C:
			s.recoverOwn(ctx)
			if ok, _ := s.rdb.SetNX(ctx, "postbud:recover:lock", s.tracker.instance, recoverEvery-100*time.Millisecond).Result(); ok {
				s.recoverDead(ctx)
			}
		}
	}
}

// recoverOwn takes this process's listed letters that it has not been running for a sweep.
func (s *Server) recoverOwn(ctx context.Context) {
	ids, err := s.rdb.SMembers(ctx, inflightKey(s.tracker.instance)).Result()
	if err != nil {
		return
	}
	tr := s.tracker
	suspect := map[string]bool{}
	for _, id := range ids {
		if tr.isRunning(id) {
			continue
		}
		if !tr.suspect[id] {
			suspect[id] = true
			continue
		}
		s.recoverLetter(ctx, id, tr.instance)
		s.rdb.SRem(ctx, inflightKey(tr.instance), id)
	}
	tr.suspect = suspect
}

// recoverDead takes the letters of every worker instance whose heartbeat has expired.
func (s *Server) recoverDead(ctx context.Context) {
	instances, err := s.rdb.ZRange(ctx, workersKey, 0, -1).Result()
	if err != nil {
		return
	}
	for _, inst := range instances {
		if inst == s.tracker.instance || alive(ctx, s.rdb, inst) {
			continue
		}
		ids, err := s.rdb.SMembers(ctx, inflightKey(inst)).Result()
		if err != nil {
			continue
		}
		for _, id := range ids {
			s.recoverLetter(ctx, id, inst)
		}
		if len(ids) > 0 {
			s.o.Logger.Warn("recovered the letters of a worker that stopped beating", slog.String("worker", inst), slog.Int("letters", len(ids)))
		}
		s.rdb.Del(ctx, inflightKey(inst))
		s.rdb.ZRem(ctx, workersKey, inst)
	}
}

// recoverLetter gives letter id, left in flight by instance, a new task for its status. A
// letter another worker has taken since, or one that has ended, is left alone.
func (s *Server) recoverLetter(ctx context.Context, id, instance string) {
	l, err := s.records.get(ctx, id)
	if err != nil || l.Status.Final() || l.Worker != instance {
		return
	}
	payload, err := s.rdb.Get(ctx, payloadKey(id)).Bytes()
	if err != nil {
		s.o.Logger.Error("recover letter: its task payload is gone", slog.String("letter", id), slog.Any("error", err))
		return
	}
	kind, queue := TypeRender, l.Priority.Queue()
	if l.Status == StatusRendered || l.Status == StatusDelivering {
		kind, queue = TypeDeliver, QueueDeliver
	}
	_, err = s.asynq.EnqueueContext(ctx, asynq.NewTask(kind, payload),
		asynq.TaskID("recover:"+id+":"+strconv.Itoa(l.Attempts)), asynq.Queue(queue),
		asynq.MaxRetry(s.o.MaxRetry), asynq.Timeout(s.o.TaskTimeout), asynq.Retention(time.Hour))
	if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
		s.o.Logger.Error("recover letter", slog.String("letter", id), slog.Any("error", err))
	}
}
