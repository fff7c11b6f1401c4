package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"gopkg.in/yaml.v2"
)

// loadValues reads the chart's values.yaml and the override files and combines
// them with helm's rules: the override files are merged in order (later wins,
// maps merged key by key), then coalesced over the chart's defaults, where an
// override of null removes the default.
func loadValues(chartValues string, overrides []string) (map[string]interface{}, error) {
	defaults, err := readValuesFile(chartValues)
	if err != nil {
		return nil, err
	}
	user := map[string]interface{}{}
	for _, f := range overrides {
		v, err := readValuesFile(f)
		if err != nil {
			return nil, err
		}
		user = mergeMaps(user, v)
	}
	return coalesceTables(user, defaults, ""), nil
}

func readValuesFile(path string) (map[string]interface{}, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	v, err := parseYAMLMap(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return v, nil
}

// parseYAMLMap reads YAML as helm does (sigs.k8s.io/yaml): through JSON, so keys
// are strings and every number is a float64.
func parseYAMLMap(b []byte) (map[string]interface{}, error) {
	var raw interface{}
	if err := yaml.Unmarshal(b, &raw); err != nil {
		return nil, err
	}
	if raw == nil {
		return map[string]interface{}{}, nil
	}
	j, err := json.Marshal(jsonCompatible(raw))
	if err != nil {
		return nil, err
	}
	out := map[string]interface{}{}
	if err := json.Unmarshal(j, &out); err != nil {
		return nil, fmt.Errorf("not a map: %w", err)
	}
	return out, nil
}

// jsonCompatible turns yaml.v2's map[interface{}]interface{} into map[string]interface{}, recursively.
func jsonCompatible(v interface{}) interface{} {
	switch t := v.(type) {
	case map[interface{}]interface{}:
		m := make(map[string]interface{}, len(t))
		for k, val := range t {
			m[fmt.Sprint(k)] = jsonCompatible(val)
		}
		return m
	case []interface{}:
		l := make([]interface{}, len(t))
		for i, val := range t {
			l[i] = jsonCompatible(val)
		}
		return l
	default:
		return v
	}
}

// mergeMaps is helm's merge of several -f files: b over a, maps merged recursively.
func mergeMaps(a, b map[string]interface{}) map[string]interface{} {
	out := make(map[string]interface{}, len(a))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		if vm, ok := v.(map[string]interface{}); ok {
			if am, ok := out[k].(map[string]interface{}); ok {
				out[k] = mergeMaps(am, vm)
				continue
			}
		}
		out[k] = v
	}
	return out
}

// coalesceTables is helm's coalesce of user values (dst) over chart defaults (src):
// dst wins; a null in dst deletes the key; tables are merged recursively; a table
// and a non-table never merge (dst's value stays, with helm's warning).
func coalesceTables(dst, src map[string]interface{}, prefix string) map[string]interface{} {
	for key, val := range src {
		full := strings.TrimPrefix(prefix+"."+key, ".")
		dv, ok := dst[key]
		switch {
		case ok && dv == nil:
			delete(dst, key)
		case !ok:
			dst[key] = val
		case isTable(val):
			if isTable(dv) {
				coalesceTables(dv.(map[string]interface{}), val.(map[string]interface{}), full)
			} else {
				fmt.Fprintf(os.Stderr, "warning: cannot overwrite table with non table for %s (%v)\n", full, val)
			}
		case isTable(dv) && val != nil:
			fmt.Fprintf(os.Stderr, "warning: destination for %s is a table. Ignoring non-table value (%v)\n", full, val)
		}
	}
	// A null the user set for a key the chart does not have is dropped too.
	for key, val := range dst {
		if val == nil {
			delete(dst, key)
		}
	}
	return dst
}

func isTable(v interface{}) bool {
	_, ok := v.(map[string]interface{})
	return ok
}
