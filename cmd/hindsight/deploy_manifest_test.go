package main

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// No Kubernetes schema validator can run here (kubeconform needs schemas
// fetched at run time), so these tests decode the manifests and check the
// fields that Kubernetes requires and that Hindsight depends on.

// k8sObject is the part of a Kubernetes object the tests read.
type k8sObject struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   struct {
		Name   string            `yaml:"name"`
		Labels map[string]string `yaml:"labels"`
	} `yaml:"metadata"`
	Spec       map[string]any    `yaml:"spec"`
	StringData map[string]string `yaml:"stringData"`
	Type       string            `yaml:"type"`
}

// decodeManifests reads every document of a multi-document YAML file.
func decodeManifests(t *testing.T, path string) []k8sObject {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := yaml.NewDecoder(f)
	var out []k8sObject
	for {
		var o k8sObject
		if err := dec.Decode(&o); errors.Is(err, io.EOF) {
			return out
		} else if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, o)
	}
}

// get walks a decoded YAML value by keys (maps) and indexes (lists).
func get(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

// wantAPIVersion is the stable API group of each kind the examples use.
var wantAPIVersion = map[string]string{
	"Deployment": "apps/v1", "Service": "v1", "Secret": "v1", "PersistentVolumeClaim": "v1",
}

func TestDeploy_KubernetesManifests(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		file        string
		minReplicas int
		maxReplicas int
		dbFromEnv   bool // HINDSIGHT_DB from a Secret (PostgreSQL DSN)
	}{
		{"sqlite.yaml", 1, 1, false},
		{"postgres.yaml", 2, 100, true},
	} {
		t.Run(tc.file, func(t *testing.T) {
			objs := decodeManifests(t, filepath.Join(deployDir, "kubernetes", tc.file))
			byKind := map[string][]k8sObject{}
			for _, o := range objs {
				if want, ok := wantAPIVersion[o.Kind]; !ok || o.APIVersion != want {
					t.Errorf("%s %q: apiVersion %q, want %q", o.Kind, o.Metadata.Name, o.APIVersion, want)
				}
				if o.Metadata.Name == "" {
					t.Errorf("%s without metadata.name", o.Kind)
				}
				byKind[o.Kind] = append(byKind[o.Kind], o)
			}
			if len(byKind["Deployment"]) != 1 || len(byKind["Service"]) != 1 || len(byKind["Secret"]) != 1 {
				t.Fatalf("want one Deployment, Service and Secret; got %v", kinds(objs))
			}
			checkDeployment(t, byKind, tc.minReplicas, tc.maxReplicas, tc.dbFromEnv)
		})
	}
}

func kinds(objs []k8sObject) []string {
	var out []string
	for _, o := range objs {
		out = append(out, o.Kind)
	}
	return out
}

// checkDeployment checks the Deployment against the other objects of its
// file: labels and selectors, secrets and their keys, probes, volumes.
func checkDeployment(t *testing.T, byKind map[string][]k8sObject, minReplicas, maxReplicas int, dbFromEnv bool) {
	d := byKind["Deployment"][0].Spec
	replicas, _ := get(d, "replicas").(int)
	if replicas < minReplicas || replicas > maxReplicas {
		t.Errorf("replicas %d, want %d..%d", replicas, minReplicas, maxReplicas)
	}
	if maxReplicas == 1 && get(d, "strategy", "type") != "Recreate" {
		t.Errorf("a single SQLite replica needs strategy Recreate (two pods must never share the file), got %v", get(d, "strategy", "type"))
	}
	selector, _ := get(d, "selector", "matchLabels").(map[string]any)
	podLabels, _ := get(d, "template", "metadata", "labels").(map[string]any)
	if len(selector) == 0 || !subset(selector, podLabels) {
		t.Errorf("selector %v does not select the pod labels %v", selector, podLabels)
	}
	svc := byKind["Service"][0].Spec
	if sel, _ := get(svc, "selector").(map[string]any); len(sel) == 0 || !subset(sel, podLabels) {
		t.Errorf("Service selector %v does not select the pod labels %v", sel, podLabels)
	}
	if get(d, "template", "spec", "securityContext", "runAsNonRoot") != true {
		t.Error("pod securityContext.runAsNonRoot is not true")
	}
	c := get(d, "template", "spec", "containers", 0)
	if img, _ := get(c, "image").(string); img == "" {
		t.Error("container without image")
	}
	port, _ := get(c, "ports", 0, "name").(string)
	if get(svc, "ports", 0, "targetPort") != port || port == "" {
		t.Errorf("Service targetPort %v does not name the container port %q", get(svc, "ports", 0, "targetPort"), port)
	}
	if get(c, "livenessProbe", "httpGet", "path") != "/healthz" || get(c, "readinessProbe", "httpGet", "path") != "/readyz" {
		t.Errorf("probes: liveness %v, readiness %v; want /healthz and /readyz", get(c, "livenessProbe", "httpGet", "path"), get(c, "readinessProbe", "httpGet", "path"))
	}
	env := map[string]any{}
	envList, _ := get(c, "env").([]any)
	for _, e := range envList {
		name, _ := get(e, "name").(string)
		env[name] = e
	}
	secret := byKind["Secret"][0]
	for _, name := range []string{"HINDSIGHT_WEBHOOK_TOKEN", "HINDSIGHT_DB"} {
		e, ok := env[name]
		if !ok {
			t.Errorf("no %s in the container's environment", name)
			continue
		}
		ref := get(e, "valueFrom", "secretKeyRef")
		if name == "HINDSIGHT_DB" && !dbFromEnv {
			if v, _ := get(e, "value").(string); !strings.HasPrefix(v, "/data/") {
				t.Errorf("HINDSIGHT_DB = %v, want a file on the /data volume", v)
			}
			continue
		}
		key, _ := get(ref, "key").(string)
		if get(ref, "name") != secret.Metadata.Name || secret.StringData[key] == "" {
			t.Errorf("%s comes from secret %v key %v, which the file's Secret %q does not hold", name, get(ref, "name"), key, secret.Metadata.Name)
		}
		if name == "HINDSIGHT_DB" && !strings.HasPrefix(secret.StringData[key], "postgres://") {
			t.Errorf("the DSN in the Secret is not a PostgreSQL URL: %q", secret.StringData[key])
		}
	}
	if !dbFromEnv {
		checkDataVolume(t, byKind, d, c)
	}
}

// checkDataVolume checks that /data is mounted from the file's PVC.
func checkDataVolume(t *testing.T, byKind map[string][]k8sObject, d map[string]any, c any) {
	if len(byKind["PersistentVolumeClaim"]) != 1 {
		t.Fatal("the SQLite example needs one PersistentVolumeClaim")
	}
	pvc := byKind["PersistentVolumeClaim"][0]
	if get(pvc.Spec, "resources", "requests", "storage") == nil {
		t.Error("the PVC requests no storage")
	}
	mountName := ""
	mounts, _ := get(c, "volumeMounts").([]any)
	for _, m := range mounts {
		if get(m, "mountPath") == "/data" {
			mountName, _ = get(m, "name").(string)
		}
	}
	vols, _ := get(d, "template", "spec", "volumes").([]any)
	for _, v := range vols {
		if get(v, "name") == mountName && get(v, "persistentVolumeClaim", "claimName") == pvc.Metadata.Name {
			return
		}
	}
	t.Errorf("/data is not mounted from the PVC %q", pvc.Metadata.Name)
}

func subset(a, b map[string]any) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestDeploy_Dockerfile checks the image's promises: distroless or
// scratch, non-root, /data volume, a health check that needs no shell,
// and the binary that scripts/release.sh builds.
func TestDeploy_Dockerfile(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(filepath.Join("..", "..", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	release, err := os.ReadFile(filepath.Join("..", "..", "scripts", "release.sh"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, line := range strings.Split(strings.ReplaceAll(string(b), "\\\n", " "), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		got[f[0]] = append(got[f[0]], strings.Join(f[1:], " "))
	}
	from := strings.Join(got["FROM"], "|")
	if !strings.Contains(from, "distroless/static") && from != "scratch" {
		t.Errorf("FROM %s: want a distroless static image or scratch", from)
	}
	if u := strings.Join(got["USER"], ""); u == "" || strings.HasPrefix(u, "0") || strings.HasPrefix(u, "root") {
		t.Errorf("USER %q: want a non-root user", u)
	}
	if strings.Join(got["VOLUME"], "") != "/data" {
		t.Errorf("VOLUME %v, want /data", got["VOLUME"])
	}
	hc := strings.Join(got["HEALTHCHECK"], "")
	if !strings.Contains(hc, `"/usr/local/bin/hindsight", "healthcheck"`) || strings.Contains(hc, "curl") {
		t.Errorf("HEALTHCHECK %q: want the binary's own healthcheck (no curl in the image)", hc)
	}
	copies := strings.Join(got["COPY"], "\n")
	if !strings.Contains(copies, "dist/hindsight-linux-${TARGETARCH} /usr/local/bin/hindsight") ||
		!strings.Contains(string(release), `out="${DIST}/hindsight-${os}-${arch}"`) {
		t.Errorf("the image must copy the release build dist/hindsight-linux-<arch>: COPY %s", copies)
	}
	if !strings.Contains(string(release), "CGO_ENABLED=0") {
		t.Error("scripts/release.sh must build with CGO_ENABLED=0 for a static binary")
	}
}

// TestDeploy_SystemdUnit checks the unit's hardening settings;
// scripts/test.sh runs systemd-analyze verify on it.
func TestDeploy_SystemdUnit(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(filepath.Join(deployDir, "systemd", "hindsight.service"))
	if err != nil {
		t.Fatal(err)
	}
	set := map[string]string{}
	section := ""
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "[") {
			section = line
			continue
		}
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") && section == "[Service]" {
			set[k] = v
		}
	}
	for k, want := range map[string]string{
		"DynamicUser": "yes", "ProtectSystem": "strict", "StateDirectory": "hindsight", "NoNewPrivileges": "yes",
		"ProtectHome": "yes", "PrivateTmp": "yes", "CapabilityBoundingSet": "", "KillSignal": "SIGTERM",
		"ExecStart": "/usr/local/bin/hindsight serve", "ExecStartPre": "/usr/local/bin/hindsight migrate up",
		"Environment": "HINDSIGHT_ADDR=127.0.0.1:8080",
	} {
		if v, ok := set[k]; !ok || v != want {
			t.Errorf("[Service] %s=%q, want %q", k, v, want)
		}
	}
}
