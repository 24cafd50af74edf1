package iam

import "strings"

// ManagedPolicy is an AWS-managed policy reduced to the statements that
// matter to the boundary checks. Other permissions the policy grants are
// left out on purpose; Note says what was left out.
type ManagedPolicy struct {
	Name       string
	ARN        string
	Source     string // AWS documentation page the statements were read from
	Note       string
	Statements []Statement
}

const managedDocs = "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/"

func allow(sid string, actions []string, resources ...string) Statement {
	return Statement{Sid: sid, Effect: "Allow", Actions: actions, Resources: resources}
}

// managedPolicies is the table documented in docs/managed-policies.md. Keep
// both in step. Statements were read from the AWS Managed Policy Reference
// (policy versions as of 2025).
var managedPolicies = []ManagedPolicy{
	{
		Name: "AdministratorAccess", Source: managedDocs + "AdministratorAccess.html",
		Note:       "every action on every resource",
		Statements: []Statement{allow("", []string{"*"}, "*")},
	},
	{
		Name: "PowerUserAccess", Source: managedDocs + "PowerUserAccess.html",
		Note:       "everything except iam, organizations and account (plus a few iam/organizations reads, omitted)",
		Statements: []Statement{{Effect: "Allow", NotActions: []string{"iam:*", "organizations:*", "account:*"}, Resources: []string{"*"}}},
	},
	{
		Name: "SecretsManagerReadWrite", Source: managedDocs + "SecretsManagerReadWrite.html",
		Note: "secretsmanager:* on *; also lambda:InvokeFunction on SecretsManager* functions and s3:GetObject on rotation-template buckets; describe/list permissions omitted",
		Statements: []Statement{
			allow("BasePermissions", []string{"secretsmanager:*"}, "*"),
			allow("LambdaPermissions", []string{"lambda:AddPermission", "lambda:CreateFunction", "lambda:GetFunction", "lambda:InvokeFunction", "lambda:UpdateFunctionConfiguration"}, "arn:aws:lambda:*:*:function:SecretsManager*"),
			allow("SARPermissions", []string{"s3:GetObject"}, "arn:aws:s3:::awsserverlessrepo-changesets*", "arn:aws:s3:::secrets-manager-rotation-apps-*/*"),
		},
	},
	{
		Name: "AWSSecretsManagerClientReadOnlyAccess", Source: managedDocs + "AWSSecretsManagerClientReadOnlyAccess.html",
		Note:       "GetSecretValue and DescribeSecret on every secret (plus kms:Decrypt via Secrets Manager)",
		Statements: []Statement{allow("SecretsManagerGetAndDescribeSecret", []string{"secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"}, "arn:aws:secretsmanager:*:*:secret:*")},
	},
	{
		Name: "AmazonRDSDataFullAccess", Source: managedDocs + "AmazonRDSDataFullAccess.html",
		Note: "rds-data on *, GetSecretValue on rds-db-credentials/* secrets; dbqms and secret creation omitted",
		Statements: []Statement{
			allow("SecretsManagerDbCredentialsAccess", []string{"secretsmanager:GetSecretValue", "secretsmanager:PutResourcePolicy", "secretsmanager:PutSecretValue", "secretsmanager:DeleteSecret", "secretsmanager:DescribeSecret", "secretsmanager:TagResource"}, "arn:aws:secretsmanager:*:*:secret:rds-db-credentials/*"),
			allow("RDSDataServiceAccess", []string{"rds-data:BatchExecuteStatement", "rds-data:BeginTransaction", "rds-data:CommitTransaction", "rds-data:ExecuteStatement", "rds-data:RollbackTransaction"}, "*"),
		},
	},
	{
		Name: "AmazonRDSFullAccess", Source: managedDocs + "AmazonRDSFullAccess.html",
		Note:       "rds:* (control plane); no rds-data, no rds-db:connect, no GetSecretValue",
		Statements: []Statement{allow("", []string{"rds:*"}, "*")},
	},
	{
		Name: "ReadOnlyAccess", Source: managedDocs + "ReadOnlyAccess.html",
		// Not re-verified against the live policy page here (it is very long);
		// the GetSecretValue exclusion is the documented intent of the policy.
		Note: "secretsmanager Describe*/List*/GetResourcePolicy but NOT GetSecretValue; s3:Get* (so s3:GetObject); lambda Get*/List* but not InvokeFunction",
		Statements: []Statement{
			allow("", []string{"secretsmanager:DescribeSecret", "secretsmanager:GetResourcePolicy", "secretsmanager:ListSecrets", "secretsmanager:ListSecretVersionIds"}, "*"),
			allow("", []string{"s3:Get*", "s3:List*", "s3:Describe*"}, "*"),
			allow("", []string{"lambda:Get*", "lambda:List*"}, "*"),
			allow("", []string{"rds:Describe*", "rds:List*"}, "*"),
		},
	},
	{
		Name: "AmazonS3FullAccess", Source: managedDocs + "AmazonS3FullAccess.html",
		Note:       "s3:* and s3-object-lambda:* on *",
		Statements: []Statement{allow("", []string{"s3:*", "s3-object-lambda:*"}, "*")},
	},
	{
		Name: "AmazonS3ReadOnlyAccess", Source: managedDocs + "AmazonS3ReadOnlyAccess.html",
		Note:       "s3:Get*, s3:List*, s3:Describe* and s3-object-lambda reads on *",
		Statements: []Statement{allow("", []string{"s3:Get*", "s3:List*", "s3:Describe*", "s3-object-lambda:Get*", "s3-object-lambda:List*"}, "*")},
	},
	{
		Name: "AWSLambda_FullAccess", Source: managedDocs + "AWSLambda_FullAccess.html",
		Note:       "lambda:* on * (and console reads, omitted)",
		Statements: []Statement{allow("", []string{"lambda:*"}, "*")},
	},
	{
		Name: "AWSLambdaRole", ARN: "arn:aws:iam::aws:policy/service-role/AWSLambdaRole", Source: managedDocs + "AWSLambdaRole.html",
		Note:       "lambda:InvokeFunction on *",
		Statements: []Statement{allow("", []string{"lambda:InvokeFunction"}, "*")},
	},
	{
		Name: "AWSLambdaExecute", Source: managedDocs + "AWSLambdaExecute.html",
		Note:       "logs:* and s3:GetObject/PutObject on arn:aws:s3:::*",
		Statements: []Statement{allow("", []string{"s3:GetObject", "s3:PutObject"}, "arn:aws:s3:::*")},
	},
	{
		Name: "AWSLambdaBasicExecutionRole", ARN: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", Source: managedDocs + "AWSLambdaBasicExecutionRole.html",
		Note: "CloudWatch Logs only: no notable grant",
	},
	{
		Name: "AWSLambdaVPCAccessExecutionRole", ARN: "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole", Source: managedDocs + "AWSLambdaVPCAccessExecutionRole.html",
		Note: "ENI management and CloudWatch Logs: no notable grant",
	},
	{
		Name: "AmazonDynamoDBFullAccess", Source: managedDocs + "AmazonDynamoDBFullAccess.html",
		Note: "dynamodb:* and related services: no notable grant",
	},
	{
		Name: "CloudWatchLogsFullAccess", Source: managedDocs + "CloudWatchLogsFullAccess.html",
		Note: "logs:*: no notable grant",
	},
}

var managedByARN = func() map[string]*ManagedPolicy {
	m := map[string]*ManagedPolicy{}
	for i := range managedPolicies {
		p := &managedPolicies[i]
		if p.ARN == "" {
			p.ARN = "arn:aws:iam::aws:policy/" + p.Name
		}
		for j := range p.Statements {
			p.Statements[j].Index = j
		}
		m[p.ARN] = p
	}
	return m
}()

// Managed returns the table entry for an AWS-managed policy ARN (any
// partition), or nil when the ARN is not AWS-managed or not in the table.
func Managed(arn string) *ManagedPolicy {
	if p := managedByARN[normalisePartition(arn)]; p != nil {
		return p
	}
	return nil
}

// IsAWSManaged reports whether the ARN names an AWS-managed policy.
func IsAWSManaged(arn string) bool {
	return strings.HasPrefix(normalisePartition(arn), "arn:aws:iam::aws:policy/")
}

// ManagedPolicies returns the whole table, in its documented order.
func ManagedPolicies() []ManagedPolicy { return managedPolicies }

func normalisePartition(arn string) string {
	for _, p := range []string{"arn:aws-us-gov:", "arn:aws-cn:"} {
		if strings.HasPrefix(arn, p) {
			return "arn:aws:" + arn[len(p):]
		}
	}
	return arn
}
