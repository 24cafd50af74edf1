package plan

import (
	"testing"
)

// resource_changes is decoded element by element; errors inside an element
// must name the same JSON path and position as a whole-array decode.
func TestResourceChangesElementErrors(t *testing.T) {
	head := `{"format_version":"1.2","planned_values":{},"resource_changes":[{"address":"a","change":{"actions":["create"]}},` + "\n "
	cases := []struct{ name, elem, want string }{
		{"wrong type deep", `{"address":"b","change":{"actions":"create"}}]}`,
			"f: unexpected JSON at resource_changes.change.actions (line 2, column 44): got string, want array; is this the output of `terraform show -json`?"},
		{"wrong type top", `{"address":7}]}`,
			"f: unexpected JSON at resource_changes.address (line 2, column 13): got number, want string; is this the output of `terraform show -json`?"},
		{"bad json in a skipped part", `{"address":"b","change":{"actions":["create"],"before":[}}]}`,
			"f: not valid JSON at line 2, column 58: invalid character '}' looking for beginning of value; pass the output of `terraform show -json tfplan`"},
		{"garbage between elements", `{"address":"b"} 1]}`,
			"f: not valid JSON at line 2, column 18: invalid character '1' after array element; pass the output of `terraform show -json tfplan`"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := decode("f", []byte(head+c.elem))
			if err == nil || err.Error() != c.want {
				t.Errorf("got %v\nwant %s", err, c.want)
			}
		})
	}
}

// Parts nothing reads are skipped; what the model reads is kept.
func TestResourceChangesSkipUnread(t *testing.T) {
	doc := `{"format_version":"1.2","planned_values":{},"output_changes":{"o":{"actions":["create"],"after":1}},
	"relevant_attributes":[{"resource":"x","attribute":["id"]}],
	"resource_changes":[null,{"address":"aws_vpc.a","module_address":"module.m","mode":"managed","type":"aws_vpc","name":"a","index":"k",
	"change":{"actions":["update"],"before":{"cidr_block":"10.1.0.0/16"},"after":{"cidr_block":"10.0.0.0/16"},
	"after_unknown":{"id":true},"before_sensitive":{},"after_sensitive":{"tags":{}},"replace_paths":[["cidr_block"]]}}]}`
	p, err := decode("f", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	rcs := p.Doc.ResourceChanges
	if len(rcs) != 2 || rcs[0] != nil || rcs[1] == nil || rcs[1].Change == nil {
		t.Fatalf("resource_changes = %+v", rcs)
	}
	rc, ch := rcs[1], rcs[1].Change
	if rc.Address != "aws_vpc.a" || rc.ModuleAddress != "module.m" || rc.Type != "aws_vpc" || rc.Index != "k" || !ch.Actions.Update() {
		t.Errorf("resource change = %+v", rc)
	}
	after, _ := ch.After.(map[string]any)
	unknown, _ := ch.AfterUnknown.(map[string]any)
	if after["cidr_block"] != "10.0.0.0/16" || unknown["id"] != true || len(ch.ReplacePaths) != 1 {
		t.Errorf("change = %+v", ch)
	}
	if ch.Before != nil || ch.BeforeSensitive != nil || ch.AfterSensitive != nil {
		t.Errorf("unread parts decoded: before %v before_sensitive %v after_sensitive %v", ch.Before, ch.BeforeSensitive, ch.AfterSensitive)
	}
	if p.Doc.OutputChanges != nil || p.Doc.RelevantAttributes != nil {
		t.Errorf("output_changes/relevant_attributes decoded")
	}
}
