package testenv

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"
)

// ChromiumPath returns the Chromium binary named by HINDSIGHT_TEST_CHROMIUM,
// or /usr/bin/chromium when it is unset. A missing binary skips the test, or
// fails it under CI=true.
func ChromiumPath(t testing.TB) string {
	t.Helper()
	return requireBinary(t, "Chromium", EnvChromium, "/usr/bin/chromium")
}

// ChromeAllocatorOptions returns the chromedp exec allocator options that run
// the Chromium at execPath headless on this machine: as root (no sandbox),
// without a GPU, and without the background connections that a machine with
// no internet refuses. Chromium gets a new temporary profile that chromedp
// removes when the allocator is cancelled; append chromedp.UserDataDir to
// choose the directory.
func ChromeAllocatorOptions(execPath string) []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(execPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("mute-audio", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.WindowSize(1280, 800),
	}
}

// NewBrowserContext starts a headless Chromium (see ChromiumPath and
// ChromeAllocatorOptions) with its profile in a temporary directory and
// returns the chromedp context of its first tab. The browser is closed when
// the test ends. Pass the context to chromedp.Run or chromedp.Do, bounding each
// step with context.WithTimeout so that a broken page fails rather than hangs.
func NewBrowserContext(t testing.TB) context.Context {
	t.Helper()
	opts := append(ChromeAllocatorOptions(ChromiumPath(t)), chromedp.UserDataDir(t.TempDir()))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
	})
	// Start the browser now, so that a broken installation fails here with
	// a clear message rather than inside the test's first action.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("testenv: start Chromium: %v", err)
	}
	return ctx
}
