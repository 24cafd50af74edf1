package labiam

// managedPolicies holds the AWS-managed policies the lab evaluates, by name
// (with their path), as AWS publishes them in the AWS Managed Policy
// Reference, https://docs.aws.amazon.com/aws-managed-policy/latest/reference/NAME.html.
// This table is the lab's own, written from those pages, and is not the
// checker's (internal/iam/managed.go). Statements that grant only
// read-only listing in services the lab does not emulate
// (CloudFormation, EC2 describes, Redshift, tag, serverlessrepo, dbqms) are
// left out and said so; every statement on secretsmanager, rds-data,
// lambda, ssm, sts and s3 is kept. An AWS-managed policy not in this table
// is evaluated as one that may allow anything, and that is reported.
var managedPolicies = map[string]string{
	// AdministratorAccess (v1).
	"AdministratorAccess": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`,

	// SecretsManagerReadWrite: the BasePermissions statement is kept for its
	// secretsmanager:* (its CloudFormation, EC2, KMS, Redshift, RDS and tag
	// describe/list actions are left out), the Lambda and S3 statements
	// whole (the serverlessrepo statement is left out).
	"SecretsManagerReadWrite": `{"Version":"2012-10-17","Statement":[
		{"Sid":"BasePermissions","Effect":"Allow","Action":["secretsmanager:*","kms:DescribeKey","kms:ListAliases","kms:ListKeys","lambda:ListFunctions","rds:DescribeDBClusters","rds:DescribeDBInstances"],"Resource":"*"},
		{"Sid":"LambdaPermissions","Effect":"Allow","Action":["lambda:AddPermission","lambda:CreateFunction","lambda:GetFunction","lambda:InvokeFunction","lambda:UpdateFunctionConfiguration"],"Resource":"arn:aws:lambda:*:*:function:SecretsManager*"},
		{"Sid":"S3Permissions","Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::awsserverlessrepo-changesets*","arn:aws:s3:::secrets-manager-rotation-apps-*/*"]}]}`,

	// AmazonRDSDataFullAccess: its secret statement is limited to the
	// rds-db-credentials/ secrets (not the RDS-managed rds!cluster- master
	// secret); the Data API statement is kept with its secretsmanager
	// actions (dbqms:* and tag:GetResources left out).
	"AmazonRDSDataFullAccess": `{"Version":"2012-10-17","Statement":[
		{"Sid":"SecretsManagerDbCredentialsAccess","Effect":"Allow","Action":["secretsmanager:GetSecretValue","secretsmanager:PutResourcePolicy","secretsmanager:PutSecretValue","secretsmanager:DeleteSecret","secretsmanager:DescribeSecret","secretsmanager:TagResource"],"Resource":"arn:aws:secretsmanager:*:*:secret:rds-db-credentials/*"},
		{"Sid":"RDSDataServiceAccess","Effect":"Allow","Action":["rds-data:*","secretsmanager:CreateSecret","secretsmanager:ListSecrets","secretsmanager:GetRandomPassword"],"Resource":"*"}]}`,

	// AWSSecretsManagerClientReadOnlyAccess.
	"AWSSecretsManagerClientReadOnlyAccess": `{"Version":"2012-10-17","Statement":[
		{"Sid":"SecretsManagerGetAndDescribeSecret","Effect":"Allow","Action":["secretsmanager:GetSecretValue","secretsmanager:DescribeSecret"],"Resource":"arn:aws:secretsmanager:*:*:secret:*"}]}`,

	// service-role/AWSLambdaBasicExecutionRole.
	"service-role/AWSLambdaBasicExecutionRole": `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}`,

	// service-role/AWSLambdaVPCAccessExecutionRole.
	"service-role/AWSLambdaVPCAccessExecutionRole": `{"Version":"2012-10-17","Statement":[
		{"Sid":"AWSLambdaVPCAccessExecutionPermissions","Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents","ec2:CreateNetworkInterface","ec2:DescribeNetworkInterfaces","ec2:DescribeSubnets","ec2:DeleteNetworkInterface","ec2:AssignPrivateIpAddresses","ec2:UnassignPrivateIpAddresses"],"Resource":"*"}]}`,

	// AWSLambdaRole: invoke any function.
	"service-role/AWSLambdaRole": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["lambda:InvokeFunction"],"Resource":["*"]}]}`,

	// AmazonSSMReadOnlyAccess.
	"AmazonSSMReadOnlyAccess": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ssm:Describe*","ssm:Get*","ssm:List*"],"Resource":"*"}]}`,
}
