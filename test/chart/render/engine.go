package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
	"gopkg.in/yaml.v2"
)

// helm's include recursion limit.
const maxIncludeDepth = 1000

// renderAll parses every template into one set (so that each sees the others'
// defines) and executes those that are not partials (`_` prefix), as helm's
// engine does: missing keys render as zero values and "<no value>" is blanked.
func renderAll(templates []chartTemplate, top map[string]interface{}) (map[string]string, error) {
	root := template.New("gotpl").Option("missingkey=zero")
	depth := 0
	funcs := sprig.TxtFuncMap()
	// helm removes these: a chart must not read the renderer's environment.
	delete(funcs, "env")
	delete(funcs, "expandenv")
	for k, v := range helmFuncs() {
		funcs[k] = v
	}
	funcs["include"] = func(name string, data interface{}) (string, error) {
		if depth++; depth > maxIncludeDepth {
			return "", fmt.Errorf("rendering template has a nested reference name: %s: too many nested includes", name)
		}
		defer func() { depth-- }()
		var buf strings.Builder
		if err := root.ExecuteTemplate(&buf, name, data); err != nil {
			return "", err
		}
		return buf.String(), nil
	}
	funcs["tpl"] = func(text string, data interface{}) (string, error) {
		t, err := root.Clone()
		if err != nil {
			return "", fmt.Errorf("cannot clone template: %w", err)
		}
		t, err = t.New("tpl").Parse(text)
		if err != nil {
			return "", fmt.Errorf("cannot parse template %q: %w", text, err)
		}
		var buf strings.Builder
		if err := t.Execute(&buf, data); err != nil {
			return "", fmt.Errorf("error during tpl function execution for %q: %w", text, err)
		}
		return strings.ReplaceAll(buf.String(), "<no value>", ""), nil
	}
	root.Funcs(funcs)
	for _, tp := range templates {
		if _, err := root.New(tp.name).Parse(tp.text); err != nil {
			return nil, fmt.Errorf("parse error in %s: %w", tp.name, err)
		}
	}
	out := map[string]string{}
	for _, tp := range templates {
		if strings.HasPrefix(path.Base(tp.name), "_") {
			continue
		}
		data := make(map[string]interface{}, len(top)+1)
		for k, v := range top {
			data[k] = v
		}
		data["Template"] = map[string]interface{}{"Name": tp.name, "BasePath": path.Dir(tp.name)}
		var buf strings.Builder
		if err := root.ExecuteTemplate(&buf, tp.name, data); err != nil {
			return nil, err
		}
		out[tp.name] = strings.ReplaceAll(buf.String(), "<no value>", "")
	}
	return out, nil
}

// helmFuncs are helm's own additions to sprig (engine/funcs.go), those that need no engine state.
func helmFuncs() template.FuncMap {
	return template.FuncMap{
		"toYaml":        toYAML,
		"fromYaml":      fromYAML,
		"fromYamlArray": fromYAMLArray,
		"toJson":        toJSON,
		"fromJson":      fromJSON,
		"fromJsonArray": fromJSONArray,
		"required": func(warn string, val interface{}) (interface{}, error) {
			if val == nil {
				return val, errors.New(warn)
			}
			if s, ok := val.(string); ok && s == "" {
				return val, errors.New(warn)
			}
			return val, nil
		},
		// helm template has no cluster to look in: an empty result, as helm gives then.
		"lookup": func(apiVersion, kind, namespace, name string) (map[string]interface{}, error) {
			return map[string]interface{}{}, nil
		},
	}
}

// toYAML is helm's: JSON first (so json tags and float64s behave as helm's), then
// YAML with sorted keys, without the trailing newline; an error renders as "".
func toYAML(v interface{}) string {
	j, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	var obj interface{}
	if err := yaml.Unmarshal(j, &obj); err != nil {
		return ""
	}
	b, err := yaml.Marshal(obj)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(string(b), "\n")
}

// fromYAML is helm's: a map, or a map holding only "Error" when the text is not one.
func fromYAML(s string) map[string]interface{} {
	m, err := parseYAMLMap([]byte(s))
	if err != nil {
		return map[string]interface{}{"Error": err.Error()}
	}
	return m
}

func fromYAMLArray(s string) []interface{} {
	var raw interface{}
	if err := yaml.Unmarshal([]byte(s), &raw); err != nil {
		return []interface{}{err.Error()}
	}
	j, err := json.Marshal(jsonCompatible(raw))
	if err != nil {
		return []interface{}{err.Error()}
	}
	var out []interface{}
	if err := json.Unmarshal(j, &out); err != nil {
		return []interface{}{err.Error()}
	}
	return out
}

func toJSON(v interface{}) string {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}

func fromJSON(s string) map[string]interface{} {
	m := map[string]interface{}{}
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

func fromJSONArray(s string) []interface{} {
	var a []interface{}
	if err := json.Unmarshal([]byte(s), &a); err != nil {
		a = []interface{}{err.Error()}
	}
	return a
}
