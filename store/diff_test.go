package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// write stores one snapshot of things with the given rows and failures.
func write(t *testing.T, st Store, snap *Snapshot, rows []Row, failures ...Failure) {
	t.Helper()
	ctx := context.Background()
	tx, err := st.Begin(ctx, snap)
	if err != nil {
		t.Fatal(err)
	}
	n, err := writeAll(ctx, tx, things, seq(rows))
	if err != nil {
		t.Fatal(err)
	}
	sum := Summarize(things)
	sum.Rows = n
	snap.Tables = []TableSummary{sum}
	snap.Failures = failures
	if err := tx.Commit(ctx, snap); err != nil {
		t.Fatal(err)
	}
}

func thing(account, region, id, name, tags string) Row {
	return Row{Key: account + "/" + region + "/" + id, Values: []any{account, region, name, int64(1), 1.5, int64(1), "2026-01-01T00:00:00Z", tags}}
}

func TestDiff(t *testing.T) {
	ctx := context.Background()
	day1 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	targets := map[string][]string{"111111111111": {"eu-west-1", "us-east-1"}, "222222222222": {"eu-west-1"}}
	older := []Row{
		thing("111111111111", "eu-west-1", "i-kept", "kept", `{"Owner":"ann","Env":"prod"}`),
		thing("111111111111", "eu-west-1", "i-gone", "gone", `{}`),
		thing("111111111111", "eu-west-1", "i-tagged", "tagged", `{"Owner":"ann"}`),
		thing("111111111111", "us-east-1", "i-east", "east", `{}`),
		thing("222222222222", "eu-west-1", "i-other", "other", `{}`),
	}
	newer := []Row{
		// The same tags in another order and spacing: not a change.
		thing("111111111111", "eu-west-1", "i-kept", "kept", `{"Env": "prod", "Owner": "ann"}`),
		thing("111111111111", "eu-west-1", "i-new", "new", `{}`),
		thing("111111111111", "eu-west-1", "i-tagged", "tagged", `{"Owner":"bob"}`),
		// us-east-1 of 111111111111 failed: i-east is not "removed".
		thing("222222222222", "eu-west-1", "i-other", "other", `{}`),
	}
	failed := Failure{Table: "things", Account: "111111111111", Region: "us-east-1", Operation: "DescribeThings",
		Code: "UnauthorizedOperation", Message: "no"}
	want := []Change{
		{Table: "things", Kind: Removed, Account: "111111111111", Region: "eu-west-1", Key: "111111111111/eu-west-1/i-gone"},
		{Table: "things", Kind: Added, Account: "111111111111", Region: "eu-west-1", Key: "111111111111/eu-west-1/i-new"},
		{Table: "things", Kind: Changed, Account: "111111111111", Region: "eu-west-1", Key: "111111111111/eu-west-1/i-tagged",
			Column: "tags", Old: `{"Owner":"ann"}`, New: `{"Owner":"bob"}`},
		{Table: "things", Kind: Unknown, Account: "111111111111", Region: "us-east-1",
			Note: "failed in the newer snapshot: DescribeThings: UnauthorizedOperation: no; 1 row in the older snapshot, 0 rows in the newer"},
	}
	for kind, spec := range stores(t) {
		t.Run(kind, func(t *testing.T) {
			st, err := Open(ctx, spec, true)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			s1 := testSnapshot(day1, Shard{})
			s1.Targets = targets
			write(t, st, s1, older)
			// The newer one in two shards, taken at one time.
			day2 := day1.Add(24 * time.Hour)
			for i := 1; i <= 2; i++ {
				sh := Shard{I: i, N: 2}
				s := testSnapshot(day2, sh)
				s.Accounts, s.Targets = nil, map[string][]string{}
				var rows []Row
				var fs []Failure
				for _, a := range []string{"111111111111", "222222222222"} {
					if !sh.Holds(a) {
						continue
					}
					s.Accounts = append(s.Accounts, a)
					s.Targets[a] = targets[a]
					for _, r := range newer {
						if r.Values[0] == a {
							rows = append(rows, r)
						}
					}
					if a == failed.Account {
						fs = append(fs, failed)
					}
				}
				write(t, st, s, rows, fs...)
			}
			snaps, err := st.Snapshots(ctx)
			if err != nil {
				t.Fatal(err)
			}
			groups := Groups(snaps)
			if len(groups) != 2 || !groups[1].Complete() || len(groups[1].Parts) != 2 {
				t.Fatalf("groups: %v", groups)
			}
			var got []Change
			for c, err := range Diff(ctx, st, groups[0], groups[1]) {
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, c)
			}
			// PostgreSQL's jsonb keeps JSON its own way (spaces, key order).
			compact := func(v any) any {
				s, ok := v.(string)
				var b bytes.Buffer
				if ok && json.Compact(&b, []byte(s)) == nil {
					return b.String()
				}
				return v
			}
			for i := range got {
				got[i].Old, got[i].New = compact(got[i].Old), compact(got[i].New)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("diff (-want +got):\n%s", diff)
			}
			// Reversed, what was added is removed, and the failure is
			// the older snapshot's.
			got = nil
			for c, err := range Diff(ctx, st, groups[1], groups[0]) {
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, c)
			}
			kinds := fmt.Sprint(len(got))
			for _, c := range got {
				kinds += " " + c.Kind
			}
			if kinds != "4 added removed changed unknown" {
				t.Errorf("reversed diff: %s\n%v", kinds, got)
			}
		})
	}
}

func TestGroups(t *testing.T) {
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	snaps := []*Snapshot{
		{ID: "a", Time: at},
		{ID: "b1", Time: at.Add(time.Hour), Shard: Shard{1, 3}},
		{ID: "b3", Time: at.Add(time.Hour), Shard: Shard{3, 3}},
		{ID: "c1", Time: at.Add(2 * time.Hour), Shard: Shard{1, 2}},
		{ID: "c2", Time: at.Add(2 * time.Hour), Shard: Shard{2, 2}},
	}
	gs := Groups(snaps)
	if len(gs) != 3 || !gs[0].Complete() || gs[1].Complete() || !gs[2].Complete() {
		t.Fatalf("groups %v: complete %v %v %v", gs, gs[0].Complete(), gs[1].Complete(), gs[2].Complete())
	}
	for spec, want := range map[string]int{"a": 0, "b3": 1, "20261101T010000Z": 1, "2026-11-01T02:00:00Z": 2} {
		g, err := Find(gs, spec)
		if err != nil || g != gs[want] {
			t.Errorf("Find(%q) = %v, %v; want group %d", spec, g, err, want)
		}
	}
	if _, err := Find(gs, "nope"); err == nil {
		t.Error("Find(nope): no error")
	}
	now := at.Add(26 * time.Hour)
	if g, err := Since(gs, 24*time.Hour, now); err != nil || g != gs[2] {
		t.Errorf("Since 24h: %v %v", g, err)
	}
	if g, err := Since(gs, 25*time.Hour+30*time.Minute, now); err != nil || g != gs[0] {
		t.Errorf("Since 25h30m: %v %v", g, err)
	}
	if _, err := Since(gs, 48*time.Hour, now); err == nil {
		t.Error("Since 48h: no error")
	}
}
