package hookdtest

import (
	"log/slog"
	"strings"
	"testing"

	"github.com/hookd/hookd/plugin-sdk/go/hookd"
)

// testLogger sends the plugin's JSON log lines to t.Log, so they show with the failing test.
func testLogger(t testing.TB) *slog.Logger {
	return hookd.NewLogger(testWriter{t}, slog.LevelDebug)
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(line []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(line), "\n"))
	return len(line), nil
}
