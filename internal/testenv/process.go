package testenv

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// logTailBytes bounds how much of a process's output is kept for failure
// reports.
const logTailBytes = 64 << 10

// readyTimeout is how long a started component may take to answer /-/ready.
// It is generous because the race-enabled suite runs packages in parallel on
// two cores; it bounds a hang, it does not measure speed.
const readyTimeout = 60 * time.Second

// tailBuffer keeps the last logTailBytes bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	if over := len(b.buf) - logTailBytes; over > 0 {
		b.buf = append(b.buf[:0], b.buf[over:]...)
	}
	return len(p), nil
}

func (b *tailBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// process is a started component.
type process struct {
	name   string
	cmd    *exec.Cmd
	log    *tailBuffer
	exited chan struct{}
	err    error // set before exited is closed
}

// startProcess starts bin with args and makes sure it is stopped when the
// test ends. Its output is kept and logged if the test fails.
func startProcess(t testing.TB, name, bin string, args []string) (*process, error) {
	t.Helper()
	p := &process{name: name, log: &tailBuffer{}, exited: make(chan struct{})}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Stdout = p.log
	p.cmd.Stderr = p.log
	// Its own process group, so that a terminal's Ctrl-C reaches the test
	// binary first and the cleanup below still runs.
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		p.stop()
		if t.Failed() {
			t.Logf("testenv: last lines of %s's output:\n%s", p.name, tail(p.log.String(), 40))
		}
	})
	return p, nil
}

// stop asks the process to terminate and kills it if it has not within a few
// seconds.
func (p *process) stop() {
	select {
	case <-p.exited:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
}

// waitReady waits until readyURL answers 200 OK or the process exits.
func (p *process) waitReady(readyURL string) error {
	ctx, cancel := context.WithTimeout(context.Background(), readyTimeout)
	defer cancel()
	err := waitHTTP(ctx, readyURL, p.exited)
	if err == errProcessExited {
		return fmt.Errorf("%s exited before it was ready (%v)", p.name, p.err)
	}
	return err
}

// startListening starts a component on a free port, chosen by FreePort, and
// waits for its readiness URL. Another process can take the port between the
// choice and the bind, so a start that fails with "address already in use"
// is retried on another port.
func startListening(t testing.TB, name, bin string, argsFor func(port int) []string, readyPath string) (*process, int) {
	t.Helper()
	const attempts = 3
	for i := 1; ; i++ {
		port := FreePort(t)
		p, err := startProcess(t, name, bin, argsFor(port))
		if err != nil {
			t.Fatalf("testenv: %v", err)
		}
		err = p.waitReady(fmt.Sprintf("http://127.0.0.1:%d%s", port, readyPath))
		if err == nil {
			return p, port
		}
		p.stop()
		if i < attempts && isAddrInUse(p.log.String()) {
			continue
		}
		t.Fatalf("testenv: %s did not become ready: %v\nlast lines of its output:\n%s",
			name, err, tail(p.log.String(), 40))
	}
}

// startServer runs a Prometheus-family server (Prometheus, Alertmanager): it
// writes config to dir/configName, starts bin on a free port with the flags
// they share (--config.file, storageFlag=dir/data, --web.listen-address and
// --web.external-url) followed by flags, and waits until /-/ready answers.
// It returns the process, its base URL and the configuration file's path.
func startServer(t testing.TB, name, bin, dir, configName string, config []byte, storageFlag string, flags ...string) (proc *process, baseURL, configFile string) {
	t.Helper()
	configFile = filepath.Join(dir, configName)
	if err := os.WriteFile(configFile, config, 0o600); err != nil {
		t.Fatalf("testenv: write %s: %v", configName, err)
	}
	args := func(port int) []string {
		return append([]string{
			"--config.file=" + configFile,
			storageFlag + "=" + filepath.Join(dir, "data"),
			fmt.Sprintf("--web.listen-address=127.0.0.1:%d", port),
			fmt.Sprintf("--web.external-url=http://127.0.0.1:%d", port),
		}, flags...)
	}
	proc, port := startListening(t, name, bin, args, "/-/ready")
	return proc, fmt.Sprintf("http://127.0.0.1:%d", port), configFile
}
