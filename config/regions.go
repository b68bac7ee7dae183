package config

// azPrefix maps each commercial AWS region to the prefix of its AZ IDs
// (use1-az1 belongs to us-east-1). A region missing here is rejected as unknown;
// add it with its AZ ID prefix from `aws ec2 describe-availability-zones`.
var azPrefix = map[string]string{
	"af-south-1":     "afs1",
	"ap-east-1":      "ape1",
	"ap-northeast-1": "apne1",
	"ap-northeast-2": "apne2",
	"ap-northeast-3": "apne3",
	"ap-south-1":     "aps1",
	"ap-south-2":     "aps2",
	"ap-southeast-1": "apse1",
	"ap-southeast-2": "apse2",
	"ap-southeast-3": "apse3",
	"ap-southeast-4": "apse4",
	"ap-southeast-5": "apse5",
	"ap-southeast-7": "apse7",
	"ca-central-1":   "cac1",
	"ca-west-1":      "caw1",
	"eu-central-1":   "euc1",
	"eu-central-2":   "euc2",
	"eu-north-1":     "eun1",
	"eu-south-1":     "eus1",
	"eu-south-2":     "eus2",
	"eu-west-1":      "euw1",
	"eu-west-2":      "euw2",
	"eu-west-3":      "euw3",
	"il-central-1":   "ilc1",
	"me-central-1":   "mec1",
	"me-south-1":     "mes1",
	"mx-central-1":   "mxc1",
	"sa-east-1":      "sae1",
	"us-east-1":      "use1",
	"us-east-2":      "use2",
	"us-west-1":      "usw1",
	"us-west-2":      "usw2",
}

// logRetentionDays are the values CloudWatch Logs accepts for RetentionInDays.
var logRetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}
