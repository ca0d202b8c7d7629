package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/postbud/postbud/internal/config"
	"github.com/postbud/postbud/worker"
)

func cmdQueues(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("queues", flag.ContinueOnError)
	fs.SetOutput(stderr)
	load := config.Flags(fs, os.Getenv)
	all := fs.Bool("all", false, "with retry: re-run every archived task")
	queue := fs.String("queue", "", "with retry TASK_ID: the task's queue (default: found by searching every queue)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: postbud queues [--redis URL]                    queue sizes and dead (archived) tasks with their errors")
		fmt.Fprintln(stderr, "       postbud queues retry TASK_ID [--queue Q] [--redis URL]   re-run one dead task")
		fmt.Fprintln(stderr, "       postbud queues retry --all [--redis URL]          re-run every dead task")
		fmt.Fprintln(stderr)
		fs.PrintDefaults()
	}
	pos, err := parseArgs(fs, args)
	if err != nil {
		return 2
	}
	cfg, err := load()
	if err != nil {
		fmt.Fprintf(stderr, "postbud queues: %v\n", err)
		return 2
	}
	if cfg.Embedded() {
		fmt.Fprintln(stderr, "postbud queues: give the Redis the workers use (--redis or POSTBUD_REDIS_URL); the embedded queue lives inside its own process")
		return 2
	}
	opt, err := redisOpt(cfg.Redis)
	if err != nil {
		fmt.Fprintf(stderr, "postbud queues: %v\n", err)
		return 2
	}
	q := worker.NewQueues(worker.Options{Redis: opt})
	defer q.Close()

	switch {
	case len(pos) == 0:
		return listQueues(ctx, q, stdout, stderr)
	case pos[0] == "retry" && *all && len(pos) == 1:
		n, err := q.RetryAll(ctx)
		if err != nil {
			fmt.Fprintf(stderr, "postbud queues retry: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "%d dead tasks queued again\n", n)
		return 0
	case pos[0] == "retry" && !*all && len(pos) == 2:
		if err := q.Retry(ctx, *queue, pos[1]); err != nil {
			fmt.Fprintf(stderr, "postbud queues retry: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "task %s queued again\n", pos[1])
		return 0
	}
	fs.Usage()
	return 2
}

func listQueues(ctx context.Context, q *worker.Queues, stdout, stderr io.Writer) int {
	sizes, err := q.Sizes(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "postbud queues: %v\n", err)
		return 1
	}
	names := make([]string, 0, len(sizes))
	for n := range sizes {
		names = append(names, n)
	}
	sort.Strings(names)
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "QUEUE\tPENDING\tACTIVE\tSCHEDULED\tRETRY\tDEAD")
	for _, n := range names {
		s := sizes[n]
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\n", n, s.Pending, s.Active, s.Scheduled, s.Retry, s.Archived)
	}
	tw.Flush()
	dead, err := q.Archived(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "postbud queues: %v\n", err)
		return 1
	}
	if len(dead) == 0 {
		fmt.Fprintln(stdout, "\nno dead tasks")
		return 0
	}
	fmt.Fprintf(stdout, "\n%d dead tasks (re-run with `postbud queues retry TASK_ID` or `--all`):\n", len(dead))
	tw = tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "QUEUE\tTASK\tLETTER\tFAILED\tERROR")
	for _, d := range dead {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", d.Queue, d.TaskID, d.LetterID, d.FailedAt.Format(time.RFC3339), d.Error)
	}
	tw.Flush()
	return 0
}
