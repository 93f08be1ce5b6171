// Parameters for one FieldSync environment. Deploy with one command:
//   FIELDSYNC_API_CLIENT_ID=<API app registration's application (client) id> \
//     az deployment group create -g <resource group> --parameters infra/main.bicepparam
// The values below are read from environment variables when the file is compiled (az does that on deploy), so the
// command deploys a real environment without editing this file:
// - FIELDSYNC_API_CLIENT_ID: required for a real deployment. Without it apiClientId falls back to the all-zero GUID,
//   which keeps the file buildable (the tests use that) but matches no token.
// - FIELDSYNC_ENVIRONMENT: the environment name in every resource name (default dev; lowercase, at most 7 characters).
// Every other parameter has its default in main.bicep; override one with another --parameters name=value
// (for example authMode=EasyAuth, sharedScopeReplicas=8, deployerPrincipalId=<your object id>).
using 'main.bicep'

param apiClientId = readEnvironmentVariable('FIELDSYNC_API_CLIENT_ID', '00000000-0000-0000-0000-000000000000')

param environmentName = readEnvironmentVariable('FIELDSYNC_ENVIRONMENT', 'dev')
