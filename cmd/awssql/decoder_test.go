package main

import (
	"strings"
	"testing"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// TestDecoderFlag: --decoder sdk (or the decoder setting) makes the SDK
// decode every answer, with the same output; --stats=json says which
// decoder read the answers; a decoder that does not exist is a usage
// error that names the two.
func TestDecoderFlag(t *testing.T) {
	f := newGen(t, fakedata.GenOptions{InstancesPerRegion: 8, Seed: 2})
	const q = "SELECT instance_id, instance_type, tags FROM ec2_instances ORDER BY 1"
	fast := f.run("--stats=json", q)
	sdk := f.run("--decoder", "sdk", "--stats=json", q)
	if fast.code != 0 || sdk.code != 0 {
		t.Fatalf("exit %d, %d: %s %s", fast.code, sdk.code, fast.stderr, sdk.stderr)
	}
	if fast.stdout != sdk.stdout || strings.Count(fast.stdout, "\n") < 8 {
		t.Errorf("awssql's decoder printed\n%s\nthe SDK's\n%s", fast.stdout, sdk.stdout)
	}
	if st := statsOf(t, fast.stderr); st.Decoded[fetch.DecoderAWSSQL] == 0 {
		t.Errorf("default: decoded %v, want answers read by awssql's decoder", st.Decoded)
	}
	if st := statsOf(t, sdk.stderr); st.Decoded[fetch.DecoderAWSSQL] != 0 || st.Decoded[fetch.DecoderSDK] == 0 {
		t.Errorf("--decoder sdk: decoded %v, want every answer read by the SDK", st.Decoded)
	}
	f.env["AWSSQL_DECODER"] = "sdk"
	if st := statsOf(t, f.run("--stats=json", q).stderr); st.Decoded[fetch.DecoderAWSSQL] != 0 {
		t.Errorf("AWSSQL_DECODER=sdk: decoded %v, want none by awssql's decoder", st.Decoded)
	}
	delete(f.env, "AWSSQL_DECODER")
	if r := f.run("--decoder", "fast", q); r.code != 2 || !strings.Contains(r.stderr, `--decoder must be awssql or sdk, not "fast"`) {
		t.Errorf("--decoder fast: exit %d, %q", r.code, r.stderr)
	}
}
