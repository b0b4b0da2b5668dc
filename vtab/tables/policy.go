package tables

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// policyStd is an IAM policy document in Steampipe's canonical form (its
// policy_std columns), so that a query can match a statement without
// caring how its author wrote it:
//
//   - Statement is always a list;
//   - Action and NotAction are lists, lower case (IAM ignores their case);
//   - Resource and NotResource are lists, as written (ARNs are case-sensitive);
//   - a Principal or NotPrincipal of "*" is {"AWS": ["*"]}, and each
//     principal type's value is a list;
//   - a Condition's keys are lower case (IAM ignores their case) and each
//     key's values a list of text (true, 10 and "10" alike);
//
// every list sorted and without repeats. Version and Id are kept, with each
// statement's Sid and Effect; anything else is left out.
func policyStd(doc string) (any, error) {
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	var p struct {
		Version   string
		ID        string `json:"Id"`
		Statement json.RawMessage
	}
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("policy is not a JSON policy document: %w", err)
	}
	var raw []map[string]any
	if trimmed := bytes.TrimSpace(p.Statement); len(trimmed) > 0 && trimmed[0] == '{' {
		var one map[string]any
		if err := decodeNumbers(trimmed, &one); err != nil {
			return nil, fmt.Errorf("policy statement: %w", err)
		}
		raw = []map[string]any{one}
	} else if len(trimmed) > 0 {
		if err := decodeNumbers(trimmed, &raw); err != nil {
			return nil, fmt.Errorf("policy statements: %w", err)
		}
	}
	statements := []any{}
	for _, st := range raw {
		out := map[string]any{}
		for k, v := range st {
			switch k {
			case "Sid", "Effect":
				out[k] = v
			case "Action", "NotAction":
				out[k] = textList(v, strings.ToLower)
			case "Resource", "NotResource":
				out[k] = textList(v, nil)
			case "Principal", "NotPrincipal":
				out[k] = principals(v)
			case "Condition":
				out[k] = conditions(v)
			}
		}
		statements = append(statements, out)
	}
	std := map[string]any{"Version": p.Version, "Statement": statements}
	if p.ID != "" {
		std["Id"] = p.ID
	}
	return std, nil
}

func decodeNumbers(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return dec.Decode(v)
}

// textList is a value or list of values as a sorted list of text without
// repeats, each passed through norm.
func textList(v any, norm func(string) string) []string {
	var vals []any
	if list, ok := v.([]any); ok {
		vals = list
	} else {
		vals = []any{v}
	}
	out := make([]string, 0, len(vals))
	for _, e := range vals {
		s := fmt.Sprint(e)
		if e == nil {
			s = ""
		}
		if norm != nil {
			s = norm(s)
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func principals(v any) map[string][]string {
	m, ok := v.(map[string]any)
	if !ok {
		return map[string][]string{"AWS": textList(v, nil)}
	}
	out := make(map[string][]string, len(m))
	for k, e := range m {
		out[k] = textList(e, nil)
	}
	return out
}

func conditions(v any) map[string]map[string][]string {
	ops, _ := v.(map[string]any)
	out := make(map[string]map[string][]string, len(ops))
	for op, keys := range ops {
		km, _ := keys.(map[string]any)
		o := make(map[string][]string, len(km))
		for k, vals := range km {
			o[strings.ToLower(k)] = textList(vals, nil)
		}
		out[op] = o
	}
	return out
}
