package hookd

import (
	"io"
	"log/slog"
	"strings"
)

// NewLogger returns a logger that writes JSON lines such as
// {"time":"...","level":"info","msg":"serving","plugin":"quota","address":"unix:///..."} to w at
// level and above. The host forwards a launched plugin's stderr into the daemon's log and keeps
// each JSON line's level, so plugins log to stderr (never stdout) in this shape. Serve uses
// os.Stderr and HOOKD_LOG_LEVEL, and makes the logger slog's default.
func NewLogger(w io.Writer, level slog.Leveler) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{
		Level: level,
		ReplaceAttr: func(groups []string, attr slog.Attr) slog.Attr {
			if len(groups) == 0 && attr.Key == slog.LevelKey {
				return slog.String(slog.LevelKey, strings.ToLower(attr.Value.String()))
			}
			return attr
		},
	}))
}

// ParseLogLevel reads HOOKD_LOG_LEVEL's values: debug, info, warn, error. Anything else is info.
func ParseLogLevel(value string) slog.Level {
	switch strings.TrimSpace(value) {
	case "debug":
		return slog.LevelDebug
	case "warn":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	default:
		return slog.LevelInfo
	}
}
