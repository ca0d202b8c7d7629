package worker

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/postbud/postbud/delivery"
)

// router decides whether a Digital Post letter goes to the recipient's digital mailbox or to
// print, asking the registry and caching its answers in Redis. Cache keys are an HMAC of the
// recipient id under a key derived from the sealing key: Redis never holds a CPR number, and
// the hash cannot be reversed by trying every CPR number without the key.
type router struct {
	rdb      redis.UniversalClient
	registry delivery.Registry
	ttl      time.Duration
	mac      []byte
	now      func() time.Time
}

func newRouter(rdb redis.UniversalClient, o Options) *router {
	m := hmac.New(sha256.New, o.Key[:])
	m.Write([]byte("postbud contact cache v1"))
	return &router{rdb: rdb, registry: o.Registry, ttl: o.RegistryCache, mac: m.Sum(nil), now: time.Now}
}

func (r *router) cacheKey(id string) string {
	m := hmac.New(sha256.New, r.mac)
	m.Write([]byte(id))
	return "postbud:contact:" + hex.EncodeToString(m.Sum(nil))
}

// route returns the decision for a letter to recipient id sent through digital (the Digital
// Post channel's name). Registry errors come back as they are (throttling and halts included),
// for the caller to retry.
func (r *router) route(ctx context.Context, digital, id string) (*Route, error) {
	now := r.now().UTC()
	if r.registry == nil {
		return &Route{Channel: digital, Contact: delivery.Registered, Reason: "no contact registry is configured: every recipient is taken to receive digital post", CheckedAt: now}, nil
	}
	var (
		status delivery.ContactStatus
		cached bool
	)
	key := r.cacheKey(id)
	if r.ttl > 0 {
		s, err := r.rdb.Get(ctx, key).Result()
		switch {
		case err == nil:
			status, cached = delivery.ContactStatus(s), true
		case !errors.Is(err, redis.Nil):
			return nil, fmt.Errorf("read contact cache: %w", err)
		}
	}
	if !cached {
		var err error
		if status, err = r.registry.Contact(ctx, id); err != nil {
			return nil, fmt.Errorf("ask the contact registry: %w", err)
		}
		if r.ttl > 0 {
			_ = r.rdb.Set(ctx, key, string(status), r.ttl).Err()
		}
	}
	rt := &Route{Channel: digital, Contact: status, Cached: cached, CheckedAt: now}
	switch status {
	case delivery.Registered:
		rt.Reason = "the recipient receives digital post (registry: REGISTERED)"
	case delivery.Exempt:
		rt.Channel, rt.Reason = delivery.PrintChannel, "the recipient is exempt from digital post (registry: EXEMPT): sent on paper"
	case delivery.Closed:
		rt.Channel, rt.Reason = delivery.PrintChannel, "the recipient's digital mailbox is closed (registry: CLOSED): sent on paper"
	case delivery.NotFound:
		rt.Channel, rt.Reason = delivery.PrintChannel, "the registry does not know the recipient (NOT_FOUND): sent on paper"
	default:
		rt.Channel, rt.Reason = delivery.PrintChannel, fmt.Sprintf("the registry gives no digital mailbox (%s): sent on paper", status)
	}
	return rt, nil
}
