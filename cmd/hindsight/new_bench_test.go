package main

import (
	"os/exec"
	"path/filepath"
	"testing"
)

// BenchmarkNewProcess runs "hindsight new" as a whole process, start-up
// included, the way a user runs it: build once, then exec the binary per
// iteration. The target is a median under 20 ms.
func BenchmarkNewProcess(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "hindsight")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	args := append(append([]string(nil), seedArgs...), "--out", "-")
	env := []string{"HOME=" + b.TempDir()}
	b.ResetTimer()
	for b.Loop() {
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("hindsight new: %v\n%s", err, out)
		}
	}
}
