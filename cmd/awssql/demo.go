package main

import (
	"reflect"
	"regexp"
	"time"

	"github.com/awssql/awssql/internal/awsfake"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// demoData is the demo's organization as of now: its data is written as
// of fakedata.ReferenceTime, and the clock moves on, so every timestamp is
// moved by the whole days since then. Expiring reservations, stopped
// instances and deprecated AMIs are then as near to today as they were to
// the reference day, and every saved query finds something. (Tests read
// the fixed data through fakedata directly.)
func demoData(now time.Time) (*fakedata.Dataset, []awsfake.Option) {
	ref := fakedata.ReferenceTime()
	days := int(now.UTC().Truncate(24*time.Hour).Sub(ref).Hours() / 24)
	shift := time.Duration(days) * 24 * time.Hour
	ds := fakedata.Demo()
	s := shifter{by: shift, seen: map[shiftSeen]bool{}}
	s.walk(reflect.ValueOf(ds))
	return ds, []awsfake.Option{awsfake.WithDataTime(ref.Add(shift))}
}

// shifter moves every time.Time, and every timestamp written as text, of a
// value it walks.
type shifter struct {
	by   time.Duration
	seen map[shiftSeen]bool // shared pointers, slices and maps move once
}

type shiftSeen struct {
	p uintptr
	t reflect.Type
}

var (
	timeType = reflect.TypeFor[time.Time]()
	// EC2 writes image dates as ISO 8601 text with milliseconds, and a
	// stopped instance's reason holds the time it stopped.
	isoLayouts   = []string{"2006-01-02T15:04:05.000Z", time.RFC3339}
	gmtInTextRE  = regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d GMT`)
	gmtLayout    = "2006-01-02 15:04:05 GMT"
	timestampyRE = regexp.MustCompile(`^\d{4}-\d\d-\d\dT`)
)

func (s *shifter) once(v reflect.Value) bool {
	k := shiftSeen{v.Pointer(), v.Type()}
	if s.seen[k] {
		return false
	}
	s.seen[k] = true
	return true
}

func (s *shifter) walk(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() && s.once(v) {
			s.walk(v.Elem())
		}
	case reflect.Struct:
		if v.Type() == timeType {
			if t := v.Interface().(time.Time); !t.IsZero() && v.CanSet() {
				v.Set(reflect.ValueOf(t.Add(s.by)))
			}
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				s.walk(v.Field(i))
			}
		}
	case reflect.Slice:
		if v.IsNil() || v.Type().Elem().Kind() == reflect.Uint8 || !s.once(v) {
			return // an object's body is data, not the data set's time
		}
		for i := range v.Len() {
			s.walk(v.Index(i))
		}
	case reflect.Array:
		for i := range v.Len() {
			s.walk(v.Index(i))
		}
	case reflect.Map:
		if v.IsNil() || !s.once(v) {
			return
		}
		for _, k := range v.MapKeys() {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(v.MapIndex(k))
			s.walk(e)
			v.SetMapIndex(k, e)
		}
	case reflect.String:
		if v.CanSet() {
			v.SetString(s.text(v.String()))
		}
	}
}

// text moves a timestamp written as text, in the layout it was written in.
func (s *shifter) text(str string) string {
	if timestampyRE.MatchString(str) {
		for _, layout := range isoLayouts {
			if t, err := time.Parse(layout, str); err == nil {
				return t.Add(s.by).UTC().Format(layout)
			}
		}
	}
	return gmtInTextRE.ReplaceAllStringFunc(str, func(m string) string {
		t, err := time.Parse(gmtLayout, m)
		if err != nil {
			return m
		}
		return t.Add(s.by).UTC().Format(gmtLayout)
	})
}
