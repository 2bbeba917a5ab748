// go-endpoint-params is a hookd plugin for container PreCreateEndpoint, ported from the endpoint
// hook of PouchContainer's downstream Alibaba plugin (Pouch's docs/features/pouch_with_plugin.md): it carries
// network settings from the container's env into the endpoint's GenericParams, gives newer
// endpoints a lower priority, and turns off the embedded resolver.
package main

import (
	"time"

	"github.com/hookd/hookd/plugin-sdk/go/hookd"
)

func main() {
	hookd.Serve(newPlugin(time.Now))
}
