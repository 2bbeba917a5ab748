// Stand-in for registry.k8s.io/e2e-test-images/nginx and gcr.io/k8s-staging-cri-tools/hostnet-nginx
// in critest: what the specs observe of nginx is an HTTP 200 on the listen port, a process named
// "nginx" (pidof nginx) whose command line says "master process" (/proc/1/cmdline in the
// ContainerPID spec), and its pid in /var/run/nginx.pid. No internet here, so no real nginx.
package main

import (
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"syscall"
)

// nginx's master rewrites its argv to this title; the stand-in re-executes itself with it as argv[0]
// (same pid, comm stays "nginx" because the file is /usr/sbin/nginx).
const masterTitle = "nginx: master process nginx -g daemon off;"

const page = "<!DOCTYPE html>\n<html><head><title>Welcome to nginx!</title></head>\n<body><h1>Welcome to nginx!</h1><p>hookd's critest stand-in.</p></body></html>\n"

func main() {
	if os.Args[0] != masterTitle {
		exe, err := os.Executable()
		if err == nil {
			err = syscall.Exec(exe, append([]string{masterTitle}, os.Args[1:]...), os.Environ())
		}
		fmt.Fprintln(os.Stderr, "nginx stand-in: re-executing as the master process:", err)
		os.Exit(1)
	}
	listen := flag.String("listen", ":80", "address to serve on")
	flag.String("g", "", "ignored: nginx's global directives (\"daemon off;\")")
	flag.Parse()

	if err := os.WriteFile("/var/run/nginx.pid", []byte(fmt.Sprintf("%d\n", os.Getpid())), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "nginx stand-in: writing the pid file:", err)
		os.Exit(1)
	}
	// As PID 1 the default dispositions do not apply: exit on the stop signal ourselves.
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT, syscall.SIGQUIT)
	go func() {
		<-stop
		os.Exit(0)
	}()
	http.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte(page))
	})
	fmt.Printf("nginx stand-in listening on %s\n", *listen)
	if err := http.ListenAndServe(*listen, nil); err != nil {
		fmt.Fprintln(os.Stderr, "nginx stand-in:", err)
		os.Exit(1)
	}
}
