// goclient: the grpc-go anchor of bench/go-client.ts. Sends the same request bytes the Node host
// sends (a file written by the bench) to one unary method of a plugin's unix socket, n times per
// worker from `concurrency` closed-loop workers over one connection, and prints the per-call
// latencies' p50/p99/mean and the throughput as one JSON line. The bytes go through a pass-through
// codec, so grpc-go neither encodes nor decodes protobuf: what is timed is transport + plugin.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sort"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/encoding"
)

type rawCodec struct{}

func (rawCodec) Marshal(v any) ([]byte, error) { return *(v.(*[]byte)), nil }
func (rawCodec) Unmarshal(data []byte, v any) error {
	*(v.(*[]byte)) = append([]byte(nil), data...)
	return nil
}
func (rawCodec) Name() string { return "raw-bytes" }

func main() {
	address := flag.String("addr", "", "unix:///path/to/plugin.sock")
	method := flag.String("method", "", "/hookd.v1.Plugin/ContainerPreCreateEndpoint")
	requestFile := flag.String("request", "", "file with the serialized request message")
	n := flag.Int("n", 1000, "calls per worker")
	warmup := flag.Int("warmup", 100, "calls per worker before measuring")
	concurrency := flag.Int("concurrency", 1, "closed-loop workers")
	flag.Parse()
	encoding.RegisterCodec(rawCodec{})
	request, err := os.ReadFile(*requestFile)
	if err != nil {
		fail(err)
	}
	conn, err := grpc.NewClient(*address, grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.ForceCodec(rawCodec{})))
	if err != nil {
		fail(err)
	}
	defer conn.Close()
	call := func() time.Duration {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		var reply []byte
		started := time.Now()
		if err := conn.Invoke(ctx, *method, &request, &reply); err != nil {
			fail(err)
		}
		return time.Since(started)
	}
	run := func(calls int, record bool) ([]time.Duration, time.Duration) {
		samples := make([][]time.Duration, *concurrency)
		var wg sync.WaitGroup
		started := time.Now()
		for w := 0; w < *concurrency; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := 0; i < calls; i++ {
					d := call()
					if record {
						samples[w] = append(samples[w], d)
					}
				}
			}(w)
		}
		wg.Wait()
		elapsed := time.Since(started)
		var all []time.Duration
		for _, s := range samples {
			all = append(all, s...)
		}
		return all, elapsed
	}
	run(*warmup, false)
	all, elapsed := run(*n, true)
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	var total time.Duration
	for _, d := range all {
		total += d
	}
	rank := func(p float64) time.Duration {
		i := int(p/100*float64(len(all)) + 0.999999)
		if i < 1 {
			i = 1
		}
		return all[i-1]
	}
	out, _ := json.Marshal(map[string]float64{
		"p50Ms": float64(rank(50)) / 1e6, "p99Ms": float64(rank(99)) / 1e6,
		"meanMs": float64(total) / float64(len(all)) / 1e6, "perSecond": float64(len(all)) / elapsed.Seconds(),
	})
	fmt.Println(string(out))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "goclient:", err)
	os.Exit(1)
}
