package awsbackend

import (
	"fmt"
	"sort"

	tfjson "github.com/hashicorp/terraform-json"
)

// Function is a deployed Lambda function as the state records it.
type Function struct {
	Address          string   `json:"address"`
	Name             string   `json:"name"`
	RoleARN          string   `json:"role_arn"`
	SubnetIDs        []string `json:"subnet_ids"`
	SecurityGroupIDs []string `json:"security_group_ids"`
}

// Stack is what the backend reads from the applied stack's state.
type Stack struct {
	Functions []Function
	// The Aurora cluster: its ARN (IAM simulation target), identifier,
	// writer endpoint and port, instance identifiers (CloudWatch dimension),
	// and the master secret ARN.
	ClusterARN string
	ClusterID  string
	DBHost     string
	DBPort     int
	Instances  []string
	Writer     string
	SecretARN  string
	// Outputs of the root module, as strings where they are strings.
	Outputs map[string]string
}

// Function returns the deployed function at a model address.
func (s *Stack) Function(address string) (Function, bool) {
	for _, f := range s.Functions {
		if f.Address == address {
			return f, true
		}
	}
	return Function{}, false
}

// StackFromState reads the functions, the cluster and the outputs from a
// state (terraform show -json after apply). It fails when the state holds
// no Aurora cluster or more than one: the suites need exactly one.
func StackFromState(st *tfjson.State) (*Stack, error) {
	if st == nil || st.Values == nil || st.Values.RootModule == nil {
		return nil, fmt.Errorf("read state: empty state: was the stack applied?")
	}
	s := &Stack{Outputs: map[string]string{}}
	for k, o := range st.Values.Outputs {
		if v, ok := o.Value.(string); ok {
			s.Outputs[k] = v
		}
	}
	clusters := 0
	walkResources(st.Values.RootModule, func(r *tfjson.StateResource) {
		if r.Mode != tfjson.ManagedResourceMode {
			return
		}
		v := r.AttributeValues
		switch r.Type {
		case "aws_lambda_function":
			f := Function{Address: r.Address, Name: str(v["function_name"]), RoleARN: str(v["role"])}
			if blocks, ok := v["vpc_config"].([]any); ok && len(blocks) > 0 {
				if b, ok := blocks[0].(map[string]any); ok {
					f.SubnetIDs, f.SecurityGroupIDs = strs(b["subnet_ids"]), strs(b["security_group_ids"])
				}
			}
			s.Functions = append(s.Functions, f)
		case "aws_rds_cluster":
			clusters++
			s.ClusterARN, s.ClusterID, s.DBHost = str(v["arn"]), str(v["cluster_identifier"]), str(v["endpoint"])
			if p, ok := v["port"].(float64); ok {
				s.DBPort = int(p)
			}
			if secrets, ok := v["master_user_secret"].([]any); ok && len(secrets) > 0 {
				if m, ok := secrets[0].(map[string]any); ok {
					s.SecretARN = str(m["secret_arn"])
				}
			}
		case "aws_rds_cluster_instance":
			id := str(v["identifier"])
			s.Instances = append(s.Instances, id)
			if w, _ := v["writer"].(bool); w {
				s.Writer = id
			}
		}
	})
	switch {
	case clusters == 0:
		return nil, fmt.Errorf("read state: no aws_rds_cluster: the suites need the stack's Aurora cluster")
	case clusters > 1:
		return nil, fmt.Errorf("read state: %d aws_rds_cluster resources: the suites handle one cluster per stack", clusters)
	}
	if s.DBPort == 0 {
		s.DBPort = 5432
	}
	sort.Slice(s.Functions, func(i, j int) bool { return s.Functions[i].Address < s.Functions[j].Address })
	sort.Strings(s.Instances)
	if s.Writer == "" && len(s.Instances) > 0 {
		s.Writer = s.Instances[0]
	}
	return s, nil
}

func walkResources(m *tfjson.StateModule, fn func(*tfjson.StateResource)) {
	for _, r := range m.Resources {
		fn(r)
	}
	for _, c := range m.ChildModules {
		walkResources(c, fn)
	}
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func strs(v any) []string {
	items, _ := v.([]any)
	out := make([]string, 0, len(items))
	for _, it := range items {
		if s, ok := it.(string); ok {
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}
