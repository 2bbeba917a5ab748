// go-cri-pod-network is a hookd plugin for cri.preCreateContainer that does what PouchContainer's
// downstream network plugin did on the CRI's PreCreateContainer: it reads the pod sandbox's
// address, netmask and default gateway from the sandbox's network namespace and writes them into
// the new container's env as RequestedIP, DefaultMask and DefaultRoute, for agents in the
// container that expect to find their network there.
package main

import "github.com/hookd/hookd/plugin-sdk/go/hookd"

func main() {
	hookd.Serve(newPlugin(readPodNetwork))
}
