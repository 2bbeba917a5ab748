// go-env-files is a hookd plugin for container PostUpdate, ported from PouchContainer's downstream
// Alibaba plugin (Pouch's docs/features/pouch_with_plugin.md): when an update with Env (`pouch update --env`, or the API's update) changes a running
// container's env, it writes the new env into the container's rootfs, where login shells and
// legacy agents read it: /etc/profile.d/hookd-env.sh (shell exports) and /etc/instanceInfo
// (a properties file).
package main

import "github.com/hookd/hookd/plugin-sdk/go/hookd"

func main() {
	hookd.Serve(newPlugin())
}
