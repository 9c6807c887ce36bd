package testenv

import (
	"context"
	"os"
	"sync"
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

// sharedBrowser is the Chromium that NewBrowserTab opens tabs in: one per
// test binary, started on first use.
var sharedBrowser struct {
	once   sync.Once
	ctx    context.Context
	cancel func()
	err    error
}

// NewBrowserTab returns the chromedp context of a new tab in a browser
// context of its own — its own cookies, storage and cache, as a fresh
// profile has — in a headless Chromium shared by the whole test binary and
// started on first use. The tab and its browser context are closed when
// the test ends. Starting one Chromium per package rather than one per
// page saves a browser and a GPU process each time; a package that uses
// NewBrowserTab calls CloseSharedBrowser from its TestMain after m.Run.
// Tabs of different tests are safe to drive in parallel.
func NewBrowserTab(t testing.TB) context.Context {
	t.Helper()
	path := ChromiumPath(t)
	sharedBrowser.once.Do(func() {
		dir, err := os.MkdirTemp("", "hindsight-chromium-")
		if err != nil {
			sharedBrowser.err = err
			return
		}
		opts := append(ChromeAllocatorOptions(path), chromedp.UserDataDir(dir))
		allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancelCtx := chromedp.NewContext(allocCtx)
		sharedBrowser.ctx = ctx
		sharedBrowser.cancel = func() {
			cancelCtx()
			cancelAlloc()
			os.RemoveAll(dir)
		}
		sharedBrowser.err = chromedp.Do(ctx)
	})
	if sharedBrowser.err != nil {
		t.Fatalf("testenv: start the shared Chromium: %v", sharedBrowser.err)
	}
	ctx, cancel := chromedp.NewContext(sharedBrowser.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("testenv: open a tab in the shared Chromium: %v", err)
	}
	return ctx
}

// CloseSharedBrowser stops the Chromium of NewBrowserTab, if it was
// started. Call it from TestMain after m.Run.
func CloseSharedBrowser() {
	if sharedBrowser.cancel != nil {
		sharedBrowser.cancel()
	}
}
