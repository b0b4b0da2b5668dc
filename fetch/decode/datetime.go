package decode

import (
	"time"

	smithytime "github.com/aws/smithy-go/time"
)

// parseDateTime is smithytime.ParseDateTime, read from the answer's bytes.
// The form AWS sends, "2006-01-02T15:04:05Z" with or without a fraction
// of up to nine digits, is read here at once; anything else, and any value
// out of range, is left to smithytime, so that every input gets its
// answer and its error. time.Parse, trying four layouts, was an eighth of
// decoding a reserved instance.
func parseDateTime(b []byte) (time.Time, error) {
	if t, ok := canonicalDateTime(b); ok {
		return t, nil
	}
	return smithytime.ParseDateTime(string(b))
}

// canonicalDateTime reads "YYYY-MM-DDTHH:MM:SS[.F{1,9}]Z", every field
// in range; ok is false for anything else.
func canonicalDateTime(b []byte) (t time.Time, ok bool) {
	if len(b) < 20 || b[4] != '-' || b[7] != '-' || b[10] != 'T' || b[13] != ':' || b[16] != ':' || b[len(b)-1] != 'Z' {
		return time.Time{}, false
	}
	year, ok1 := digits(b[0:4])
	month, ok2 := digits(b[5:7])
	day, ok3 := digits(b[8:10])
	hour, ok4 := digits(b[11:13])
	minute, ok5 := digits(b[14:16])
	sec, ok6 := digits(b[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) {
		return time.Time{}, false
	}
	nsec := 0
	if frac := b[19 : len(b)-1]; len(frac) > 0 {
		if len(frac) < 2 || len(frac) > 10 || frac[0] != '.' {
			return time.Time{}, false
		}
		n, ok := digits(frac[1:])
		if !ok {
			return time.Time{}, false
		}
		for range 10 - len(frac) {
			n *= 10
		}
		nsec = n
	}
	if month < 1 || month > 12 || day < 1 || day > daysIn(time.Month(month), year) || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC), true
}

// digits reads a run of ASCII digits.
func digits(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func daysIn(m time.Month, year int) int {
	if m == time.February {
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	}
	return 31 - int((m-1)%7%2)
}
