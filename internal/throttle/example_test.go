package throttle_test

import (
	"context"
	"net/http"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/postbud/postbud/internal/throttle"
)

// A delivery channel paces every request to Digital Post through one Limiter and one Backoff
// shared by all worker processes.
func Example() {
	rdb := redis.NewUniversalClient(&redis.UniversalOptions{Addrs: []string{"127.0.0.1:6379"}})
	limit := &throttle.Limiter{Redis: rdb, Key: "postbud:ngdp:rate", Rate: 50}
	backoff := &throttle.Backoff{Redis: rdb, Key: "postbud:ngdp:backoff"} // 1s doubling to 5m

	send := func(ctx context.Context, req *http.Request) (*http.Response, error) {
		if err := backoff.Wait(ctx); err != nil {
			return nil, err
		}
		if err := limit.Wait(ctx); err != nil {
			return nil, err
		}
		resp, err := http.DefaultClient.Do(req.WithContext(ctx))
		if err != nil {
			return nil, err
		}
		switch resp.StatusCode {
		case http.StatusTooManyRequests, http.StatusServiceUnavailable:
			retryAfter, _ := time.ParseDuration(resp.Header.Get("Retry-After") + "s") // seconds form
			backoff.Trip(ctx, retryAfter)                                             // the whole pool slows down; this letter is retried
		default:
			backoff.Clear(ctx)
		}
		return resp, nil
	}
	_ = send
}
