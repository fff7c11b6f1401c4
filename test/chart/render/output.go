package main

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v2"
)

// helm's InstallOrder (releaseutil/kind_sorter.go); other kinds come after these, by kind name.
var installOrder = []string{
	"PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy",
	"PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass",
	"PersistentVolume", "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole",
	"ClusterRoleList", "ClusterRoleBinding", "ClusterRoleBindingList", "Role", "RoleList", "RoleBinding",
	"RoleBindingList", "Service", "DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment",
	"HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress", "APIService",
}

// helm's SplitManifests separator.
var docSeparator = regexp.MustCompile(`(?:^|\s*\n)---\s*`)

type manifest struct {
	source, kind, body string
}

// manifestStream splits each rendered YAML template into documents, drops the
// empty ones, orders them as helm installs them and writes them with their
// `# Source:` headers. A document that is not YAML, or has no kind, is an error,
// as it is for helm.
func manifestStream(rendered map[string]string) string {
	names := make([]string, 0, len(rendered))
	for n := range rendered {
		if strings.HasSuffix(n, ".yaml") || strings.HasSuffix(n, ".yml") || strings.HasSuffix(n, ".json") {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	var docs []manifest
	for _, n := range names {
		for _, d := range docSeparator.Split(rendered[n], -1) {
			d = strings.TrimSpace(d)
			if d == "" || isOnlyComments(d) {
				continue
			}
			var head struct {
				APIVersion string `yaml:"apiVersion"`
				Kind       string `yaml:"kind"`
			}
			if err := yaml.Unmarshal([]byte(d), &head); err != nil {
				fail(fmt.Errorf("YAML parse error on %s: %w\n%s", n, err, numbered(d)))
			}
			if head.Kind == "" || head.APIVersion == "" {
				fail(fmt.Errorf("%s: a document without apiVersion or kind:\n%s", n, numbered(d)))
			}
			docs = append(docs, manifest{source: n, kind: head.Kind, body: d})
		}
	}
	rank := func(kind string) int {
		for i, k := range installOrder {
			if k == kind {
				return i
			}
		}
		return len(installOrder)
	}
	sort.SliceStable(docs, func(i, j int) bool {
		ri, rj := rank(docs[i].kind), rank(docs[j].kind)
		if ri != rj {
			return ri < rj
		}
		if ri == len(installOrder) {
			return docs[i].kind < docs[j].kind
		}
		return false
	})
	var b strings.Builder
	for _, d := range docs {
		fmt.Fprintf(&b, "---\n# Source: %s\n%s\n", d.source, d.body)
	}
	return b.String()
}

func isOnlyComments(doc string) bool {
	for _, line := range strings.Split(doc, "\n") {
		if t := strings.TrimSpace(line); t != "" && !strings.HasPrefix(t, "#") {
			return false
		}
	}
	return true
}

func numbered(doc string) string {
	lines := strings.Split(doc, "\n")
	for i := range lines {
		lines[i] = fmt.Sprintf("%4d  %s", i+1, lines[i])
	}
	return strings.Join(lines, "\n")
}
