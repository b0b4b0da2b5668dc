package fetch

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// TestDecodeAttackEmptyProjectionOnDisk: an entry written for no field
// (Project with no path) holds no field when read back. It was written as
// "fields":null, which read takes for every field, and was right only
// because the decoder takes an empty projection for every field too.
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
	if held, fresh, ok := d.read("id", "key", allFields, DecoderAWSSQL, &back); ok || !fresh || held.all {
		t.Errorf("an entry written for no field: answered a call for every field %v, fresh %v, holds every field %v", ok, fresh, held.all)
	}
	if _, _, ok := d.read("id", "key", narrow, DecoderAWSSQL, &back); !ok {
		t.Errorf("an entry written for no field did not answer a call for no field")
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
