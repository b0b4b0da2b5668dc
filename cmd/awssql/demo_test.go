package main

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/awssql/awssql/internal/awsfake/fakedata"
	"github.com/awssql/awssql/queries"
)

// TestDemoDataMovesWithTheClock: every timestamp of the demo, as time or
// as text, moves by the whole days from the reference day to today, once.
func TestDemoDataMovesWithTheClock(t *testing.T) {
	const days = 100
	shift := days * 24 * time.Hour
	moved, _ := demoData(fakedata.ReferenceTime().Add(shift + 5*time.Hour))
	orig := fakedata.Demo()
	at := func(p *time.Time) time.Time {
		if p == nil {
			return time.Time{}
		}
		return *p
	}
	checked := 0
	for ai, acct := range orig.Accounts {
		macct := moved.Accounts[ai]
		if !acct.JoinedTimestamp.IsZero() && !macct.JoinedTimestamp.Equal(acct.JoinedTimestamp.Add(shift)) {
			t.Errorf("account %s joined %v, want %v", acct.ID, macct.JoinedTimestamp, acct.JoinedTimestamp.Add(shift))
		}
		for name, r := range acct.Regions {
			mr := macct.Regions[name]
			for i, in := range r.Instances {
				if got, want := at(mr.Instances[i].LaunchTime), at(in.LaunchTime).Add(shift); !got.Equal(want) {
					t.Errorf("%s %s: launched %v, want %v", name, *in.InstanceId, got, want)
				}
				if reason := *in.StateTransitionReason; strings.Contains(reason, "GMT") {
					checked++
					stamp := func(s string) time.Time {
						tm, _ := time.Parse(gmtLayout, gmtInTextRE.FindString(s))
						return tm
					}
					if got := stamp(*mr.Instances[i].StateTransitionReason); !got.Equal(stamp(reason).Add(shift)) {
						t.Errorf("%s: %q became %q", *in.InstanceId, reason, *mr.Instances[i].StateTransitionReason)
					}
				}
			}
			for i, im := range r.Images {
				was, _ := time.Parse(isoLayouts[0], *im.CreationDate)
				now, err := time.Parse(isoLayouts[0], *mr.Images[i].CreationDate)
				if err != nil || !now.Equal(was.Add(shift)) {
					t.Errorf("image %s created %q, was %q", *im.ImageId, *mr.Images[i].CreationDate, *im.CreationDate)
				}
				checked++
			}
			for i, ri := range r.ReservedInstances {
				if got := at(mr.ReservedInstances[i].End); !got.Equal(at(ri.End).Add(shift)) {
					t.Errorf("reservation %s ends %v, want %v", *ri.ReservedInstancesId, got, at(ri.End).Add(shift))
				}
				checked++
			}
			for i, b := range r.Buckets {
				for j, o := range b.Objects {
					if got := mr.Buckets[i].Objects[j].LastModified; !got.Equal(o.LastModified.Add(shift)) {
						t.Errorf("s3://%s/%s modified %v, want %v", b.Name, o.Key, got, o.LastModified.Add(shift))
					}
					checked++
				}
			}
		}
	}
	if checked < 50 {
		t.Errorf("only %d timestamps checked: the demo should have more", checked)
	}
}

// TestDemoSavedQueriesFindSomething: on the demo, as of today, every
// saved query with its defaults has rows to show.
func TestDemoSavedQueriesFindSomething(t *testing.T) {
	qs, err := queries.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	given := map[string][]string{"largest_s3_objects": {"--param", "bucket=awssql-demo-data"}}
	for _, q := range qs {
		t.Run(q.Name, func(t *testing.T) {
			args := append([]string{"--demo", "--skip-accounts", fakedata.DemoNoRoleAccount, "run", q.Name}, given[q.Name]...)
			r := runCLI(context.Background(), nil, "", false, args...)
			recs := strings.Split(strings.TrimSpace(r.stdout), "\n")
			if r.code != 0 || len(recs) < 2 {
				t.Fatalf("exit %d %s: no rows:\n%s", r.code, r.stderr, r.stdout)
			}
			if q.Name == "reserved_expiring" {
				fields := strings.Split(recs[1], ",")
				if left, err := strconv.Atoi(fields[len(fields)-1]); err != nil || left < 0 || left > 30 {
					t.Errorf("days_left %q: want a reservation expiring within 30 days of today", fields[len(fields)-1])
				}
			}
		})
	}
}
