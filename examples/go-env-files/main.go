// go-env-files is a hookd plugin for container PostUpdate, ported from PouchContainer's downstream
// Alibaba plugin (reference/pouch-hooks.md §9): when an update with Env (`pouch update --env`, or the API's update) changes a running
// container's env, it writes the new env into the container's rootfs, where login shells and
// legacy agents read it: /etc/profile.d/hookd-env.sh (shell exports) and /etc/instanceInfo
// (a properties file).
package main

import "github.com/hookd/hookd/plugin-sdk/go/hookd"

func main() {
	hookd.Serve(newPlugin())
}
