package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/hookd/hookd/plugin-sdk/go/gen/hookdv1"
	"github.com/hookd/hookd/plugin-sdk/go/hookd"
	"github.com/hookd/hookd/plugin-sdk/go/hookdtest"
)

// These tests call the plugin through hookdtest (the daemon's gRPC path) on a temporary rootfs.

func postUpdate(t *testing.T, client *hookdtest.Client, rootfs string, env ...string) error {
	t.Helper()
	_, err := client.ContainerPostUpdate(context.Background(), &hookdv1.ContainerPostUpdateRequest{
		Context: &hookdv1.RequestContext{RequestId: "r1"}, ContainerId: "c1", Rootfs: rootfs, Env: env,
	})
	return err
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestItSubscribesToPostUpdateOnly(t *testing.T) {
	reply, err := hookdtest.Start(t, newPlugin()).Describe(context.Background(), &hookdv1.DescribeRequest{})
	if err != nil || len(reply.GetHooks()) != 1 || reply.GetHooks()[0].GetHook() != hookd.HookContainerPostUpdate {
		t.Fatalf("Describe = %v, %v", reply, err)
	}
}

func TestTheEnvIsWrittenAsShellExportsAndAsAPropertiesFile(t *testing.T) {
	rootfs := t.TempDir()
	client := hookdtest.Start(t, newPlugin())
	err := postUpdate(t, client, rootfs,
		"PATH=/usr/bin", "HOME=/root", "GREETING=it's a \"test\"", "MULTI=a\nb", "BARE", "my.dotted=1", "PATH=/bin")
	if err != nil {
		t.Fatal(err)
	}
	wantProfile := header +
		"export PATH='/bin'\n" +
		"export GREETING='it'\\''s a \"test\"'\n" +
		"export MULTI='a\nb'\n"
	if got := readFile(t, filepath.Join(rootfs, "etc/profile.d/hookd-env.sh")); got != wantProfile {
		t.Fatalf("profile:\n%s\nwant:\n%s", got, wantProfile)
	}
	wantInfo := header +
		"PATH=/bin\n" +
		"GREETING=it's a \"test\"\n" +
		"MULTI=a\\nb\n" +
		"my.dotted=1\n"
	if got := readFile(t, filepath.Join(rootfs, "etc/instanceInfo")); got != wantInfo {
		t.Fatalf("instanceInfo:\n%s\nwant:\n%s", got, wantInfo)
	}
}

func TestAnUpdateReplacesTheFilesAndLeavesNoTemporaryFile(t *testing.T) {
	rootfs := t.TempDir()
	client := hookdtest.Start(t, newPlugin())
	if err := postUpdate(t, client, rootfs, "A=1", "B=2"); err != nil {
		t.Fatal(err)
	}
	if err := postUpdate(t, client, rootfs, "A=3"); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(rootfs, "etc/instanceInfo")); got != header+"A=3\n" {
		t.Fatalf("instanceInfo = %q", got)
	}
	entries, err := os.ReadDir(filepath.Join(rootfs, "etc/profile.d"))
	if err != nil || len(entries) != 1 {
		t.Fatalf("etc/profile.d holds %v (%v), want only hookd-env.sh", entries, err)
	}
}

func TestASymlinkOutOfTheRootfsIsRefusedAndNothingIsWrittenOutside(t *testing.T) {
	rootfs, outside := t.TempDir(), t.TempDir()
	if err := os.Symlink(outside, filepath.Join(rootfs, "etc")); err != nil {
		t.Fatal(err)
	}
	err := postUpdate(t, hookdtest.Start(t, newPlugin()), rootfs, "A=1")
	if status.Code(err) != codes.Unknown || !strings.Contains(err.Error(), "rootfs "+rootfs) {
		t.Fatalf("err = %v, want UNKNOWN naming the rootfs", err)
	}
	if entries, _ := os.ReadDir(outside); len(entries) != 0 {
		t.Fatalf("wrote outside the rootfs: %v", entries)
	}
}

func TestAMissingRootfsFailsTheUpdateWithAClearMessage(t *testing.T) {
	client := hookdtest.Start(t, newPlugin())
	missing := filepath.Join(t.TempDir(), "gone")
	if err := postUpdate(t, client, missing, "A=1"); err == nil || !strings.Contains(err.Error(), "rootfs "+missing) {
		t.Fatalf("err = %v", err)
	}
	if err := postUpdate(t, client, "", "A=1"); status.Code(err) != codes.InvalidArgument {
		t.Fatalf("an empty rootfs is a rejection, got %v", err)
	}
}

func TestConfigureChoosesFilesAndExclusions(t *testing.T) {
	rootfs := t.TempDir()
	client := hookdtest.Start(t, newPlugin())
	ctx := context.Background()
	_, err := client.Configure(ctx, &hookdv1.ConfigureRequest{ConfigJson: []byte(`{"exclude":["SECRET"],"profileFile":"","instanceInfoFile":"/run/info"}`)})
	if err != nil {
		t.Fatal(err)
	}
	if err := postUpdate(t, client, rootfs, "SECRET=x", "HOME=/root"); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(rootfs, "run/info")); got != header+"HOME=/root\n" {
		t.Fatalf("run/info = %q", got)
	}
	if _, err := os.Stat(filepath.Join(rootfs, "etc")); !os.IsNotExist(err) {
		t.Fatalf("an empty profileFile must write nothing under etc: %v", err)
	}
	for config, want := range map[string]string{
		`{"excludes":["X"]}`:                `unknown field "excludes"`,
		`{"instanceInfoFile":"etc/info"}`:   "clean absolute path",
		`{"profileFile":"/etc/../../x.sh"}`: "clean absolute path",
	} {
		_, err := client.Configure(ctx, &hookdv1.ConfigureRequest{ConfigJson: []byte(config)})
		if status.Code(err) != codes.InvalidArgument || !strings.Contains(err.Error(), want) {
			t.Errorf("Configure(%s) = %v, want INVALID_ARGUMENT containing %q", config, err, want)
		}
	}
}

func TestTheManifestConfigIsAccepted(t *testing.T) {
	data, err := os.ReadFile("manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	var manifest struct {
		Config json.RawMessage `json:"config"`
	}
	if err := json.Unmarshal(data, &manifest); err != nil {
		t.Fatal(err)
	}
	client := hookdtest.Start(t, newPlugin())
	if _, err := client.Configure(context.Background(), &hookdv1.ConfigureRequest{ConfigJson: manifest.Config}); err != nil {
		t.Fatalf("the manifest's config is refused: %v", err)
	}
}
