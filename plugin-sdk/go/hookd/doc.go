// Package hookd writes hookd plugins in Go.
//
// A hookd plugin is a gRPC server of the service hookd.v1.Plugin (proto/hookd/v1/plugin.proto)
// plus grpc.health.v1.Health; the hookd daemon launches it, or dials it as a sidecar, and calls
// one RPC per hook point. This package is that server: fill in a [Plugin] with the handlers you
// implement and hand it to [Serve].
//
//	func main() {
//		hookd.Serve(&hookd.Plugin{
//			Name:    "memory-default",
//			Version: "1.0.0",
//			ContainerPreCreate: func(ctx context.Context, req *hookd.PreCreateRequest) (*hookd.Document, error) {
//				if _, set := req.Config.Get("HostConfig", "Memory"); set {
//					return nil, nil // unchanged
//				}
//				return nil, req.Config.Set(1<<30, "HostConfig", "Memory") // changed in place
//			},
//		})
//	}
//
// # Why a struct of handler functions
//
// The subscription that Describe returns is derived from which handler fields are non-nil, never
// written by hand. The alternative, one interface per hook discovered by type assertion (the NRI
// stub's design), fails silently: a method with a misspelt name or a slightly wrong signature
// simply does not satisfy the interface, and the plugin never hears of the hook. A misspelt field
// or a wrong function type is a compile error. Fields also take closures, so a plugin needs no
// type of its own, and [Plugin] lists every hook in one place for godoc.
//
// # Documents
//
// Config-shaped payloads (create config, update body, endpoint, volume config) arrive as JSON with
// the Docker/Pouch API's field names. They are decoded into a [Document], a generic tree that
// keeps every field, including the ones this SDK and your plugin have never heard of, and keeps
// numbers as their exact JSON text. Change it in place (Set, Delete, Env, Labels, ...) and return
// it, or return nil: either way the SDK compares the result with the document as received and
// leaves the reply unset ("unchanged") when they are equal, so the host sees a claim only where you
// changed something. A handler may also return a different Document of its own.
//
// Do not round-trip a document through your own partial struct: the fields your struct lacks
// would be deleted, and the host would record your plugin as having removed them. Use
// [Document.Decode] to read a subtree into a struct, and Set to write.
//
// # Process rules
//
// [Serve] reads the HOOKD_* environment (see docs/protocol.md): in launched mode it serves on
// HOOKD_PLUGIN_ADDRESS and exits when stdin closes; in sidecar mode it serves on HOOKD_LISTEN,
// with TLS on TCP. Without either it prints that it is a hookd plugin and exits 1. Logs are JSON
// lines on stderr ([NewLogger]; Serve makes it the slog default); never write to stdout.
//
// Errors returned by handlers reach the host as gRPC statuses, with your message: [Reject] is
// INVALID_ARGUMENT (refused on purpose), [RejectWithCode] chooses FAILED_PRECONDITION,
// PERMISSION_DENIED or RESOURCE_EXHAUSTED, context errors become CANCELLED / DEADLINE_EXCEEDED,
// and anything else is UNKNOWN. A panic in a handler becomes INTERNAL and does not take the plugin
// down. These are the Node and Python SDKs' rules too.
package hookd
