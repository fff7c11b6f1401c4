// Command render renders a Helm chart as `helm template` would, without helm:
// Go's text/template with sprig's functions plus the functions and built-in
// objects helm adds (include, tpl, toYaml, fromYaml, toJson, fromJson, required,
// lookup, .Release, .Chart, .Values, .Capabilities, .Files, .Template).
//
// It builds offline in GOPATH mode against Debian's packaged sources:
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o render ./test/chart/render
//
// Usage:
//
//	render -chart charts/frontdoor [-f override.yaml ...] [-name frontdoor] [-namespace default]
//	       [-kube-version v1.32.0] [-api-versions monitoring.coreos.com/v1,...]
//	       [-notes FILE] [-values-json FILE [-values-only]]
//
// The manifests go to standard output as one YAML stream, each document headed
// by `# Source: <chart>/templates/<file>`, in helm's install order. NOTES.txt is
// rendered separately (-notes). -values-json writes the coalesced values, which
// helm validates against values.schema.json, as JSON. A template error exits 1.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/Masterminds/semver"
	"gopkg.in/yaml.v2"
)

type fileList []string

func (f *fileList) String() string     { return strings.Join(*f, ",") }
func (f *fileList) Set(v string) error { *f = append(*f, v); return nil }

func main() {
	var overrides fileList
	chartDir := flag.String("chart", "", "chart directory")
	flag.Var(&overrides, "f", "values file merged over values.yaml (repeatable, later wins)")
	name := flag.String("name", "frontdoor", "release name")
	namespace := flag.String("namespace", "default", "release namespace")
	kubeVersion := flag.String("kube-version", "v1.32.0", "Capabilities.KubeVersion")
	apiVersions := flag.String("api-versions", "", "extra Capabilities.APIVersions (comma-separated)")
	notesOut := flag.String("notes", "", "write the rendered NOTES.txt here")
	valuesOut := flag.String("values-json", "", "write the coalesced values here as JSON")
	valuesOnly := flag.Bool("values-only", false, "with -values-json: stop after writing the values (schema checks of values the templates refuse)")
	flag.Parse()
	if *chartDir == "" {
		fail(errors.New("-chart is required"))
	}
	out, err := run(options{
		chartDir: *chartDir, overrides: overrides, releaseName: *name, namespace: *namespace,
		kubeVersion: *kubeVersion, apiVersions: splitList(*apiVersions), notesOut: *notesOut, valuesOut: *valuesOut, valuesOnly: *valuesOnly,
	})
	if err != nil {
		fail(err)
	}
	os.Stdout.WriteString(out)
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "Error: %v\n", err)
	os.Exit(1)
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

type options struct {
	chartDir, releaseName, namespace, kubeVersion, notesOut, valuesOut string
	overrides, apiVersions                                             []string
	valuesOnly                                                         bool
}

func run(o options) (string, error) {
	meta, err := loadChartMetadata(filepath.Join(o.chartDir, "Chart.yaml"))
	if err != nil {
		return "", err
	}
	caps, err := newCapabilities(o.kubeVersion, o.apiVersions)
	if err != nil {
		return "", err
	}
	if meta.KubeVersion != "" {
		if err := checkKubeVersion(meta.KubeVersion, caps.KubeVersion.Version); err != nil {
			return "", err
		}
	}
	values, err := loadValues(filepath.Join(o.chartDir, "values.yaml"), o.overrides)
	if err != nil {
		return "", err
	}
	if o.valuesOut != "" {
		j, err := json.MarshalIndent(values, "", "  ")
		if err != nil {
			return "", err
		}
		if err := os.WriteFile(o.valuesOut, append(j, '\n'), 0o644); err != nil {
			return "", err
		}
		if o.valuesOnly {
			return "", nil
		}
	}
	files, err := loadFiles(o.chartDir)
	if err != nil {
		return "", err
	}
	templates, err := loadTemplates(o.chartDir, meta.Name)
	if err != nil {
		return "", err
	}
	top := map[string]interface{}{
		"Values":       values,
		"Chart":        meta,
		"Release":      release{Name: o.releaseName, Namespace: o.namespace, Service: "Helm", IsInstall: true, Revision: 1},
		"Capabilities": caps,
		"Files":        files,
	}
	rendered, err := renderAll(templates, top)
	if err != nil {
		return "", err
	}
	if o.notesOut != "" {
		notes := rendered[meta.Name+"/templates/NOTES.txt"]
		if err := os.WriteFile(o.notesOut, []byte(notes), 0o644); err != nil {
			return "", err
		}
	}
	return manifestStream(rendered), nil
}

// Chart.yaml as helm's chart.Metadata exposes it to templates (capitalized fields).
type chartMetadata struct {
	Name         string            `yaml:"name"`
	Version      string            `yaml:"version"`
	AppVersion   string            `yaml:"appVersion"`
	Description  string            `yaml:"description"`
	APIVersion   string            `yaml:"apiVersion"`
	Type         string            `yaml:"type"`
	KubeVersion  string            `yaml:"kubeVersion"`
	Home         string            `yaml:"home"`
	Sources      []string          `yaml:"sources"`
	Keywords     []string          `yaml:"keywords"`
	Icon         string            `yaml:"icon"`
	Annotations  map[string]string `yaml:"annotations"`
	Deprecated   bool              `yaml:"deprecated"`
	Maintainers  []interface{}     `yaml:"maintainers"`
	Dependencies []interface{}     `yaml:"dependencies"`
}

func loadChartMetadata(path string) (*chartMetadata, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m chartMetadata
	if err := yaml.UnmarshalStrict(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if m.APIVersion != "v2" {
		return nil, fmt.Errorf("%s: apiVersion must be v2 (helm 3), got %q", path, m.APIVersion)
	}
	if m.Name == "" || m.Version == "" {
		return nil, fmt.Errorf("%s: name and version are required", path)
	}
	if _, err := semver.NewVersion(m.Version); err != nil {
		return nil, fmt.Errorf("%s: version %q is not SemVer 2: %w", path, m.Version, err)
	}
	return &m, nil
}

type release struct {
	Name      string
	Namespace string
	Service   string
	IsInstall bool
	IsUpgrade bool
	Revision  int
}

type kubeVersion struct {
	Version    string
	Major      string
	Minor      string
	GitVersion string
}

func (k kubeVersion) String() string { return k.Version }

// apiVersions is helm's VersionSet: "group/version" and "group/version/Kind" entries.
type apiVersions []string

func (v apiVersions) Has(s string) bool {
	for _, x := range v {
		if x == s {
			return true
		}
	}
	return false
}

type capabilities struct {
	KubeVersion kubeVersion
	APIVersions apiVersions
}

// The built-in group-versions of kube 1.32 that a chart may ask about; extra ones (CRDs) come from -api-versions, as with helm template.
var builtinAPIVersions = []string{
	"v1", "admissionregistration.k8s.io/v1", "apiextensions.k8s.io/v1", "apiregistration.k8s.io/v1",
	"apps/v1", "authentication.k8s.io/v1", "authorization.k8s.io/v1", "autoscaling/v1", "autoscaling/v2",
	"batch/v1", "certificates.k8s.io/v1", "coordination.k8s.io/v1", "discovery.k8s.io/v1", "events.k8s.io/v1",
	"flowcontrol.apiserver.k8s.io/v1", "networking.k8s.io/v1", "node.k8s.io/v1", "policy/v1",
	"rbac.authorization.k8s.io/v1", "scheduling.k8s.io/v1", "storage.k8s.io/v1",
}

func newCapabilities(version string, extra []string) (capabilities, error) {
	v, err := semver.NewVersion(version)
	if err != nil {
		return capabilities{}, fmt.Errorf("-kube-version %q: %w", version, err)
	}
	full := "v" + v.String()
	return capabilities{
		KubeVersion: kubeVersion{Version: full, GitVersion: full, Major: fmt.Sprint(v.Major()), Minor: fmt.Sprint(v.Minor())},
		APIVersions: append(append(apiVersions{}, builtinAPIVersions...), extra...),
	}, nil
}

func checkKubeVersion(constraint, version string) error {
	c, err := semver.NewConstraint(constraint)
	if err != nil {
		return fmt.Errorf("Chart.yaml kubeVersion %q: %w", constraint, err)
	}
	v, err := semver.NewVersion(version)
	if err != nil {
		return err
	}
	if !c.Check(v) {
		return fmt.Errorf("chart requires kubeVersion: %s which is incompatible with Kubernetes %s", constraint, version)
	}
	return nil
}

// files is helm's .Files: every chart file outside templates/, by path relative to the chart.
type files map[string][]byte

func (f files) Get(name string) string { return string(f[name]) }

func (f files) GetBytes(name string) []byte { return f[name] }

func loadFiles(chartDir string) (files, error) {
	out := files{}
	err := filepath.WalkDir(chartDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(chartDir, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel == "templates" {
				return filepath.SkipDir
			}
			return nil
		}
		if rel == "Chart.yaml" || rel == "values.yaml" || rel == "values.schema.json" {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		out[rel] = b
		return nil
	})
	return out, err
}

type chartTemplate struct {
	name string // "<chart>/templates/<file>"
	text string
}

func loadTemplates(chartDir, chartName string) ([]chartTemplate, error) {
	var out []chartTemplate
	root := filepath.Join(chartDir, "templates")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		out = append(out, chartTemplate{name: chartName + "/templates/" + filepath.ToSlash(rel), text: string(b)})
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out, err
}
