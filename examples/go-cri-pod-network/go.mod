module github.com/hookd/hookd/examples/go-cri-pod-network

// 1.25: as the other Go examples (the SDK needs 1.24). golang.org/x/sys: setns(2) into the pod's netns.
go 1.25.0

require (
	github.com/hookd/hookd/plugin-sdk/go v0.0.0
	golang.org/x/sys v0.40.0
	google.golang.org/grpc v1.80.0
)

require (
	golang.org/x/net v0.49.0 // indirect
	golang.org/x/text v0.33.0 // indirect
	google.golang.org/genproto/googleapis/rpc v0.0.0-20260120221211-b8f7ae30c516 // indirect
	google.golang.org/protobuf v1.36.11 // indirect
)

replace github.com/hookd/hookd/plugin-sdk/go => ../../plugin-sdk/go
