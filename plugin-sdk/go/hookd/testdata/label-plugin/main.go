// label-plugin is the smallest real plugin process, built by process_test.go: it labels every
// container it sees and writes one line to stdout on purpose, which must not disturb anything.
package main

import (
	"context"
	"fmt"

	"github.com/hookd/hookd/plugin-sdk/go/hookd"
)

func main() {
	hookd.Serve(&hookd.Plugin{
		Name:    "label-plugin",
		Version: "0.0.1",
		ContainerPreCreate: func(_ context.Context, req *hookd.PreCreateRequest) (*hookd.Document, error) {
			return req.Config, req.Config.Labels().Set("labelled-by", "label-plugin")
		},
		Configure: func(context.Context, *hookd.ConfigureRequest) error {
			fmt.Println("a careless write to stdout") // the host reads readiness from Describe, not stdout
			return nil
		},
	})
}
