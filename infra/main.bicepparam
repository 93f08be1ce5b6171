// Parameters for one FieldSync environment. Deploy with:
//   FIELDSYNC_API_CLIENT_ID=<API app registration's application (client) id> \
//     az deployment group create -g <resource group> --parameters infra/main.bicepparam
// apiClientId comes from the FIELDSYNC_API_CLIENT_ID environment variable, so the one command deploys a real
// environment without editing this file. Without the variable it falls back to the all-zero GUID below: the
// template still builds (tests use that), but no token would ever match it, so set it for a real deployment.
// Every other parameter has a default in main.bicep; override one with another --parameters name=value.
using 'main.bicep'

param apiClientId = readEnvironmentVariable('FIELDSYNC_API_CLIENT_ID', '00000000-0000-0000-0000-000000000000')

param environmentName = readEnvironmentVariable('FIELDSYNC_ENVIRONMENT', 'dev')
