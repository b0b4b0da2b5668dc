package vtab

import "unsafe"

// maxJSONDepth is encoding/json's nesting limit, which ValidJSON keeps.
const maxJSONDepth = 10000

// ValidJSON reports whether b is one JSON value, with white space around it
// allowed: what json.Valid reports of every input (bytes of invalid UTF-8
// inside a string included, which json.Valid accepts), three to five times
// faster. The JSON Lines writer checks every JSON column's text with it,
// since a column declared JSON may hold other text (a UNION's later arm):
// with json.Valid that was a fifth of writing an instance.
func ValidJSON(b []byte) bool {
	var stack [64]byte // '[' or '{' of each open container; grows past 64
	open := stack[:0]
	i := skipJSONSpace(b, 0)
	for {
		// A value at i.
		if i >= len(b) {
			return false
		}
		var ok bool
		switch c := b[i]; {
		case c == '{' || c == '[':
			if len(open) >= maxJSONDepth {
				return false
			}
			i = skipJSONSpace(b, i+1)
			if i < len(b) && b[i] == c+2 { // '}' is '{'+2, ']' is '['+2
				i++
				break
			}
			open = append(open, c)
			if c == '{' {
				if i, ok = jsonKey(b, i); !ok {
					return false
				}
			}
			continue
		case c == '"':
			if i, ok = jsonString(b, i); !ok {
				return false
			}
		case c == '-' || c >= '0' && c <= '9':
			if i, ok = jsonNumber(b, i); !ok {
				return false
			}
		case c == 't':
			if i, ok = jsonLiteral(b, i, "true"); !ok {
				return false
			}
		case c == 'f':
			if i, ok = jsonLiteral(b, i, "false"); !ok {
				return false
			}
		case c == 'n':
			if i, ok = jsonLiteral(b, i, "null"); !ok {
				return false
			}
		default:
			return false
		}
		// After a value: close containers, or go on to the next value.
		for {
			i = skipJSONSpace(b, i)
			if len(open) == 0 {
				return i == len(b)
			}
			if i >= len(b) {
				return false
			}
			top := open[len(open)-1]
			if b[i] == top+2 {
				open = open[:len(open)-1]
				i++
				continue
			}
			if b[i] != ',' {
				return false
			}
			i = skipJSONSpace(b, i+1)
			if top == '{' {
				if i, ok = jsonKey(b, i); !ok {
					return false
				}
			}
			break
		}
	}
}

// ValidJSONText is ValidJSON of s, read in place.
func ValidJSONText(s string) bool {
	return ValidJSON(unsafe.Slice(unsafe.StringData(s), len(s)))
}

func skipJSONSpace(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// jsonKey reads an object's key and its colon at i, returning where its
// value starts.
func jsonKey(b []byte, i int) (int, bool) {
	if i >= len(b) || b[i] != '"' {
		return i, false
	}
	i, ok := jsonString(b, i)
	if !ok {
		return i, false
	}
	i = skipJSONSpace(b, i)
	if i >= len(b) || b[i] != ':' {
		return i, false
	}
	return skipJSONSpace(b, i+1), true
}

// jsonString reads the string whose opening quote is at i.
func jsonString(b []byte, i int) (int, bool) {
	for i++; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			return i + 1, true
		case c < 0x20:
			return i, false
		case c == '\\':
			i++
			if i >= len(b) {
				return i, false
			}
			switch b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(b) {
					return i, false
				}
				for _, h := range b[i+1 : i+5] {
					if !(h >= '0' && h <= '9' || h >= 'a' && h <= 'f' || h >= 'A' && h <= 'F') {
						return i, false
					}
				}
				i += 4
			default:
				return i, false
			}
		}
	}
	return i, false
}

// jsonNumber reads the number that starts at i.
func jsonNumber(b []byte, i int) (int, bool) {
	digits := func(i int) (int, bool) { // one or more
		j := i
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			j++
		}
		return j, j > i
	}
	if b[i] == '-' {
		i++
	}
	if i >= len(b) {
		return i, false
	}
	if b[i] == '0' {
		i++
	} else {
		var ok bool
		if i, ok = digits(i); !ok {
			return i, false
		}
	}
	if i < len(b) && b[i] == '.' {
		var ok bool
		if i, ok = digits(i + 1); !ok {
			return i, false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		var ok bool
		if i, ok = digits(i); !ok {
			return i, false
		}
	}
	return i, true
}

func jsonLiteral(b []byte, i int, lit string) (int, bool) {
	if len(b)-i < len(lit) || string(b[i:i+len(lit)]) != lit {
		return i, false
	}
	return i + len(lit), true
}
