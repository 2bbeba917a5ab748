package hookd_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/hookd/hookd/plugin-sdk/go/gen/hookdv1"
	"github.com/hookd/hookd/plugin-sdk/go/hookd"
)

// These tests run a real plugin binary (testdata/label-plugin) as the daemon would.

const processTimeout = 20 * time.Second

var (
	buildOnce   sync.Once
	builtBinary string
	buildErr    error
)

func pluginBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "hookd-label-plugin-")
		if err != nil {
			buildErr = err
			return
		}
		builtBinary = filepath.Join(dir, "label-plugin")
		output, err := exec.Command("go", "build", "-o", builtBinary, "./testdata/label-plugin").CombinedOutput()
		if err != nil {
			buildErr = errors.New(string(output))
		}
	})
	if buildErr != nil {
		t.Fatalf("building testdata/label-plugin: %v", buildErr)
	}
	return builtBinary
}

func TestMain(m *testing.M) {
	code := m.Run()
	if builtBinary != "" {
		_ = os.RemoveAll(filepath.Dir(builtBinary)) // temp build dir; harmless if left
	}
	os.Exit(code)
}

// pluginProcess is a started plugin with its stdin held open, as the host holds it.
type pluginProcess struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout *strings.Builder
	lines  chan string // stderr, line by line
	exited chan error
}

func startPlugin(t *testing.T, env ...string) *pluginProcess {
	t.Helper()
	cmd := exec.Command(pluginBinary(t))
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH")}, env...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	process := &pluginProcess{cmd: cmd, stdin: stdin, stdout: &strings.Builder{}, lines: make(chan string, 100), exited: make(chan error, 1)}
	cmd.Stdout = process.stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		scanner := bufio.NewScanner(stderr)
		for scanner.Scan() {
			process.lines <- scanner.Text()
		}
		close(process.lines)
		process.exited <- cmd.Wait()
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill() // already exited in the passing case; the error says so
	})
	return process
}

// waitForLog returns the first stderr line whose msg is msg; every line must be a JSON log line.
func (p *pluginProcess) waitForLog(t *testing.T, msg string) map[string]any {
	t.Helper()
	deadline := time.After(processTimeout)
	for {
		select {
		case line, open := <-p.lines:
			if !open {
				t.Fatalf("the plugin exited before logging %q", msg)
			}
			var entry map[string]any
			if err := json.Unmarshal([]byte(line), &entry); err != nil {
				t.Fatalf("stderr line is not JSON: %q", line)
			}
			if entry["level"] == nil || entry["time"] == nil {
				t.Fatalf("log line without level or time: %q", line)
			}
			if entry["msg"] == msg {
				return entry
			}
		case <-deadline:
			t.Fatalf("no %q log line within %v", msg, processTimeout)
		}
	}
}

func (p *pluginProcess) waitForExit(t *testing.T) int {
	t.Helper()
	go func() {
		for range p.lines { // drain stderr so the process can exit
		}
	}()
	select {
	case err := <-p.exited:
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			return exitErr.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(processTimeout):
		t.Fatalf("the plugin did not exit within %v", processTimeout)
		return -1
	}
}

func launchedEnv(t *testing.T) (address string, env []string) {
	dir, err := os.MkdirTemp("", "hookd-launch-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	address = "unix://" + filepath.Join(dir, "label-plugin.sock")
	return address, []string{hookd.EnvPluginAddress + "=" + address, hookd.EnvPluginName + "=label-plugin", hookd.EnvProtocolVersions + "=1"}
}

func dial(t *testing.T, address string) hookdv1.PluginClient {
	t.Helper()
	conn, err := grpc.NewClient(address, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return hookdv1.NewPluginClient(conn)
}

func TestALaunchedPluginServesHooksAndExitsWhenStdinCloses(t *testing.T) {
	address, env := launchedEnv(t)
	process := startPlugin(t, env...)
	serving := process.waitForLog(t, "serving")
	if serving["address"] != address || serving["mode"] != "launched" || serving["level"] != "info" ||
		serving["plugin"] != "label-plugin" || serving["version"] != "0.0.1" {
		t.Fatalf("serving line = %v", serving)
	}
	client := dial(t, address)
	ctx, cancel := context.WithTimeout(context.Background(), processTimeout)
	defer cancel()
	if _, err := client.Configure(ctx, &hookdv1.ConfigureRequest{ConfigJson: []byte("null")}); err != nil {
		t.Fatal(err)
	}
	reply, err := client.ContainerPreCreate(ctx, &hookdv1.ContainerPreCreateRequest{ConfigJson: []byte(`{"Image":"busybox","X":1}`)})
	if err != nil || string(reply.GetConfig().GetJson()) != `{"Image":"busybox","Labels":{"labelled-by":"label-plugin"},"X":1}` {
		t.Fatalf("PreCreate: %v %v", reply, err)
	}

	if err := process.stdin.Close(); err != nil {
		t.Fatal(err)
	}
	if stopped := process.waitForLog(t, "stopped"); stopped["reason"] != "stdin closed: the host is gone" {
		t.Fatalf("stopped line = %v", stopped)
	}
	if code := process.waitForExit(t); code != 0 {
		t.Fatalf("exit code after stdin closed = %d, want 0", code)
	}
	if _, err := os.Stat(strings.TrimPrefix(address, "unix://")); !os.IsNotExist(err) {
		t.Fatalf("the socket file is left behind: %v", err)
	}
	if process.stdout.String() != "a careless write to stdout\n" {
		t.Fatalf("the SDK itself must write nothing to stdout, got %q", process.stdout.String())
	}
}

func TestALaunchedPluginExitsZeroAfterShutdown(t *testing.T) {
	address, env := launchedEnv(t)
	process := startPlugin(t, env...)
	process.waitForLog(t, "serving")
	ctx, cancel := context.WithTimeout(context.Background(), processTimeout)
	defer cancel()
	if _, err := dial(t, address).Shutdown(ctx, &hookdv1.ShutdownRequest{Reason: "manifest removed"}); err != nil {
		t.Fatalf("Shutdown must be answered: %v", err)
	}
	if code := process.waitForExit(t); code != 0 {
		t.Fatalf("exit code after Shutdown = %d, want 0", code)
	}
}

func TestAPluginExitsZeroOnSIGTERM(t *testing.T) {
	_, env := launchedEnv(t)
	process := startPlugin(t, env...)
	process.waitForLog(t, "serving")
	if err := process.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := process.waitForExit(t); code != 0 {
		t.Fatalf("exit code after SIGTERM = %d, want 0", code)
	}
}

func TestAPluginRunByHandSaysWhatItIsAndExitsOne(t *testing.T) {
	cmd := exec.Command(pluginBinary(t))
	cmd.Env = []string{}
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitCode() != 1 {
		t.Fatalf("exit = %v, want code 1", err)
	}
	if !strings.HasPrefix(stderr.String(), "This is a hookd plugin (label-plugin 0.0.1). It is started by the hookd daemon, not by hand: ") {
		t.Fatalf("stderr = %q", stderr.String())
	}
	if stdout.Len() != 0 {
		t.Fatalf("stdout = %q, want nothing", stdout.String())
	}
}

func TestASidecarOnTCPWithoutTLSRefusesToStart(t *testing.T) {
	cmd := exec.Command(pluginBinary(t))
	cmd.Env = []string{hookd.EnvListen + "=127.0.0.1:0"}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitCode() != 1 {
		t.Fatalf("exit = %v, want code 1", err)
	}
	var line map[string]any
	if err := json.Unmarshal([]byte(stderr.String()), &line); err != nil {
		t.Fatalf("stderr is not one JSON line: %q", stderr.String())
	}
	want := "HOOKD_LISTEN=127.0.0.1:0 is a TCP address, which needs TLS: set HOOKD_TLS_CERT_FILE and HOOKD_TLS_KEY_FILE"
	if line["level"] != "error" || !strings.HasPrefix(line["msg"].(string), want) {
		t.Fatalf("error line = %v", line)
	}
}
