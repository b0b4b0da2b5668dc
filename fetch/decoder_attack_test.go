package fetch

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// TestDecodeAttackEmptyProjectionOnDisk: a projection of no field
// (Project with no path) is written to the disk cache as "fields":null,
// which read takes for every field. That holds only because the decoder
// is handed nil for it, which it also takes for every field.
func TestDecodeAttackEmptyProjectionOnDisk(t *testing.T) {
	d := newDiskCache(t.TempDir(), time.Hour, 1<<30)
	narrow := fieldsOf(nil)
	if narrow.all {
		t.Fatal("fieldsOf(nil) is every field")
	}
	out := &ec2.DescribeInstancesOutput{Reservations: []ec2types.Reservation{{Instances: []ec2types.Instance{{}}}}}
	if err := d.write("id", "key", out, narrow, DecoderAWSSQL); err != nil {
		t.Fatal(err)
	}
	var back ec2.DescribeInstancesOutput
	held, fresh, ok := d.read("id", "key", allFields, DecoderAWSSQL, &back)
	// The decoder is handed narrow.list(): nil, which it reads as every
	// field. So an empty projection decodes whole answers, and the disk
	// entry's "fields":null (every field) is what the answer holds: only
	// if list() ever says "nothing" would this entry be wrong.
	if ok && narrow.list() != nil {
		t.Errorf("an entry decoded for no field answered a call for every field (held %q, fresh %v)", held.String(), fresh)
	}
	// The same through a projection of one field, for contrast.
	one := fieldsOf([]string{"Reservations.Instances.InstanceId"})
	out.Reservations[0].Instances[0].InstanceId = aws.String("i-1")
	if err := d.write("id", "key2", out, one, DecoderAWSSQL); err != nil {
		t.Fatal(err)
	}
	if _, _, ok := d.read("id", "key2", allFields, DecoderAWSSQL, &back); ok {
		t.Errorf("an entry decoded for one field answered a call for every field")
	}
}

// TestDecodeAttackEmptyProjectionInMemory: the call cache keeps what an
// answer holds; one decoded for no field answers no call for a field.
func TestDecodeAttackEmptyProjectionInMemory(t *testing.T) {
	c := newCallCache(1 << 20)
	c.put("k", &ec2.DescribeInstancesOutput{}, fieldsOf(nil))
	if _, _, ok := c.get("k", fieldsOf([]string{"Reservations.Instances.InstanceId"})); ok {
		t.Errorf("an answer decoded for no field answered a call for InstanceId")
	}
	if _, _, ok := c.get("k", allFields); ok {
		t.Errorf("an answer decoded for no field answered a call for every field")
	}
}
