package main

import (
	"fmt"
	"os"
	"path"
	"strings"
)

// writeInRootfs replaces rootfs/file atomically (a shell sourcing it never reads half a file),
// through os.Root, so that a symlink inside the container pointing out of its rootfs (such as
// /etc -> /host/etc) cannot make the daemon write on the host.
func writeInRootfs(rootfs, file string, content []byte) error {
	root, err := os.OpenRoot(rootfs)
	if err != nil {
		return fmt.Errorf("rootfs %s: %w", rootfs, err)
	}
	defer root.Close()

	relative := strings.TrimPrefix(file, "/")
	if err := root.MkdirAll(path.Dir(relative), 0o755); err != nil {
		return fmt.Errorf("creating %s in rootfs %s: %w", path.Dir(file), rootfs, err)
	}
	temporary := relative + ".hookd-tmp"
	out, err := root.OpenFile(temporary, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("writing %s in rootfs %s: %w", file, rootfs, err)
	}
	_, writeErr := out.Write(content)
	closeErr := out.Close()
	if err := firstError(writeErr, closeErr); err != nil {
		_ = root.Remove(temporary) // best effort; the next update overwrites it anyway
		return fmt.Errorf("writing %s in rootfs %s: %w", file, rootfs, err)
	}
	if err := root.Rename(temporary, relative); err != nil {
		_ = root.Remove(temporary) // best effort, as above
		return fmt.Errorf("replacing %s in rootfs %s: %w", file, rootfs, err)
	}
	return nil
}

func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
