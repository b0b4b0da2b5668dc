package decode

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// scanTokens reads a document with the scanner's strict path, one token
// at a time, in encoding/xml's words: what the fast decoders read is what
// the SDK's decoders read.
func scanTokens(r io.Reader) ([]string, error) {
	s := newScanner(r)
	var out []string
	for {
		k, err := s.next()
		if err != nil {
			return out, err
		}
		switch k {
		case tokEOF:
			return out, nil
		case tokStart:
			out = append(out, "start "+string(s.local))
		case tokEnd:
			out = append(out, "end "+string(s.local))
		case tokText, tokCDATA:
			out = append(out, fmt.Sprintf("text %q", s.text))
		case tokComment:
			out = append(out, "comment")
		case tokProcInst:
			out = append(out, "procinst")
		case tokDirective:
			out = append(out, "directive")
		}
	}
}

// xmlTokens is the same from encoding/xml's Decoder.Token.
func xmlTokens(doc []byte) ([]string, error) {
	d := xml.NewDecoder(bytes.NewReader(doc))
	var out []string
	for {
		t, err := d.Token()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		switch t := t.(type) {
		case xml.StartElement:
			out = append(out, "start "+t.Name.Local)
		case xml.EndElement:
			out = append(out, "end "+t.Name.Local)
		case xml.CharData:
			out = append(out, fmt.Sprintf("text %q", []byte(t)))
		case xml.Comment:
			out = append(out, "comment")
		case xml.ProcInst:
			out = append(out, "procinst")
		case xml.Directive:
			out = append(out, "directive")
		case nil: // an empty CDATA section before any name was read
			out = append(out, fmt.Sprintf("text %q", ""))
		}
	}
}

// scanDocs are documents the scanner must read as encoding/xml does:
// AWS's form, and everything XML allows or forbids around it.
var scanDocs = []string{
	`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<R xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>x</requestId><a><item><b>1</b></item></a></R>`,
	"<R>\n  <a>  text  </a>\n  <b/>\n  <c></c>\n</R>\n",
	`<R><a>&lt;&gt;&amp;&apos;&quot;&#65;&#x42;&#x1F600;</a></R>`,
	`<R><a>&bogus;</a></R>`,
	`<R><a>&lt</a></R>`,
	`<R><a>&#0;</a></R>`,
	`<R><a>&#xD800;</a></R>`,
	`<R><a>&#X41;</a></R>`,
	`<R><a>&#;</a></R>`,
	`<R><a>&#x110000;</a></R>`,
	`<R><a>&;</a></R>`,
	"<R><a>crlf\r\nand cr\rend</a></R>",
	"<R><a>tab\tand \x01 control</a></R>",
	"<R><a>\xff bad utf8</a></R>",
	"<R><a>caf\u00e9 \u2603 \U0001F600</a></R>",
	"<R><a>\uFFFE</a></R>",
	`<R><a>]]></a></R>`,
	`<R><a>]] ></a></R>`,
	`<R><a>]]]></a></R>`,
	`<R><a><![CDATA[<raw> & ]] stuff]]></a></R>`,
	"<R><a><![CDATA[cr\r\nlf]]></a></R>",
	`<R><a><![CDATA[]]></a></R>`,
	`<R><a><![CDATA[unterminated</a></R>`,
	`<R><a><![CDATX[x]]></a></R>`,
	`<R><!-- a comment --><a/></R>`,
	`<R><!-- a -- b --><a/></R>`,
	`<R><!---><a/>--></R>`,
	`<R><!----><a/></R>`,
	`<R><!-x--><a/></R>`,
	`<R><?pi some data?><a/></R>`,
	`<R><?pi?><a/></R>`,
	`<R><? pi?><a/></R>`,
	`<R><?xml version="1.1"?><a/></R>`,
	`<R><?xml version="1.0" encoding="ISO-8859-1"?><a/></R>`,
	`<R><?xml encoding='utf-8'?><a/></R>`,
	`<!DOCTYPE R [<!ENTITY e "x>y"> <!-- c > --> ]><R><a/></R>`,
	`<!DOCTYPE R><R/>`,
	`<!"DOCTYPE> R><R/>`,
	`<R><a x="1" y='2>3' z = "&amp;"/></R>`,
	`<R><a x="<"/></R>`,
	`<R><a x=1/></R>`,
	`<R><a x/></R>`,
	`<R><a x="1"y="2"/></R>`,
	`<R><a/ ></R>`,
	`<R><a ></a ></R>`,
	`<R><a></b></R>`,
	`<R><p:a></q:a></R>`,
	`<R><p:a></p:a><:b></:b><c:></c:></R>`,
	`<R><a:b:c/></R>`,
	`<R><1a/></R>`,
	`<R><-a/></R>`,
	`<R><_a.b-c/></R>`,
	"<R><\u00e9l\u00e9ment/></R>",
	"<R><a\u00a0b/></R>",
	`<R></R></R>`,
	`</R>`,
	`<R><a>`,
	`<R><a>text`,
	`<R`,
	`<`,
	`text before <R/> and after`,
	``,
	"  \n ",
	`<R><a>x</a>`,
	`<R>&amp; between <a/> elements &bad; </R>`,
}

func TestScannerReadsAsEncodingXML(t *testing.T) {
	for _, doc := range scanDocs {
		t.Run(fmt.Sprintf("%.40q", doc), func(t *testing.T) {
			compareTokens(t, []byte(doc))
		})
	}
}

func compareTokens(t *testing.T, doc []byte) {
	t.Helper()
	want, wantErr := xmlTokens(doc)
	// One byte at a time: every token straddles the window's refills.
	for _, r := range []io.Reader{bytes.NewReader(doc), iotest.OneByteReader(bytes.NewReader(doc))} {
		got, err := scanTokens(r)
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("%q: error %v, encoding/xml's %v\ngot  %q\nwant %q", doc, err, wantErr, got, want)
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("%q:\ngot  %q\nwant %q", doc, got, want)
		}
	}
}

func FuzzScanner(f *testing.F) {
	for _, doc := range scanDocs {
		f.Add([]byte(doc))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		compareTokens(t, doc)
	})
}

// TestSkipWholeAsSkipTags holds skipWhole, which looks for an element's
// end tag without reading what comes before it, to skipTags, which reads
// tag by tag: where skipWhole answers, it ends the element where
// skipTags does, and it declines what could hide or shift the end.
func TestSkipWholeAsSkipTags(t *testing.T) {
	cases := []struct {
		inner   string // what <a> holds, up to and with its end
		decline bool
	}{
		{"<b>1</b><c/></a><a>next</a>", false},
		{"<b><c>x</c></b>text &amp; more</a>", false},
		{"<ab>1</ab><a_>2</a_></a>", false},             // names that go on
		{"<b>1</b><ab/><x></x></a>", false},             // empty elements, one of a longer name
		{"<a>nested</a></a>", true},                     // the same name inside
		{"<a/></a>", true},                              // and closed at once
		{"<b>1</b></a ><x/></a>", true},                 // its end spelled otherwise
		{"<!-- </a> --></a>", true},                     // a comment
		{"<b><![CDATA[</a>]]></b></a>", true},           // CDATA
		{"<?pi </a>?></a>", true},                       // a processing instruction
		{`<b x="1">v</b></a>`, true},                    // an attribute
		{"<b>a=b</b></a>", true},                        // '=' in text: declined all the same
		{"<b>1</b>", true},                              // no end in the window
		{"</a>", false},                                 // an empty value
		{"text &amp; a=b</a><a>next</a>", false},        // a value: text, then its end
		{"text</a ><x/></a>", true},                     // a value's end spelled otherwise
		{"text</ab></a>", true},                         // an end tag of a longer name
		{"text</b></a>", true},                          // of another name: skipTags fails it
		{"te<![CDATA[</a>]]>xt</a>", true},              // CDATA in the text
		{"te<!-- </a> -->xt</a>", true},                 // a comment in the text
		{"text", true},                                  // no end in the window
		{"text</a", true},                               // its end cut short
		{"<b>\u00e9</b><a\u00e9>x</a\u00e9></a>", true}, // a name going on in UTF-8: declined
	}
	for _, c := range cases {
		doc := "<r><a>" + c.inner + "</r>"
		open := func() *scanner {
			s := newScanner(strings.NewReader(doc))
			for range 2 { // <r>, <a>
				if k, err := s.next(); err != nil || k != tokStart {
					t.Fatalf("%q: %v %v", doc, k, err)
				}
			}
			s.fill()
			return s
		}
		s := open()
		n, ok := s.skipWhole()
		if ok == c.decline {
			t.Errorf("%q: skipWhole answered %v, want %v", c.inner, ok, !c.decline)
			continue
		}
		if !ok {
			continue
		}
		slow := open()
		if err := slow.skipTags(); err != nil {
			t.Fatalf("%q: skipTags: %v", c.inner, err)
		}
		if got, want := s.read+int64(s.pos+n), slow.read+int64(slow.pos); got != want {
			t.Errorf("%q: skipWhole ends at %d, skipTags at %d", c.inner, got, want)
		}
	}
}
