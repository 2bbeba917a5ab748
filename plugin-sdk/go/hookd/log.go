package hookd

import (
	"io"
	"log/slog"
	"strings"
)

// NewLogger returns a logger that writes JSON lines such as
// {"time":"...","level":"info","msg":"listening","address":"unix:///..."} to w. The host
// forwards a launched plugin's stderr into the daemon's log and keeps each line's level, so plugins
// log to stderr (never stdout) in this shape.
func NewLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{
		Level: slog.LevelInfo,
		ReplaceAttr: func(groups []string, attr slog.Attr) slog.Attr {
			if len(groups) == 0 && attr.Key == slog.LevelKey {
				return slog.String(slog.LevelKey, strings.ToLower(attr.Value.String()))
			}
			return attr
		},
	}))
}
