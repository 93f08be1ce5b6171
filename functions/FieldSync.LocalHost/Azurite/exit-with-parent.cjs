// Preloaded (node -r) into Azurite by AzuriteProcess. The .NET parent keeps our stdin as a pipe;
// when the parent dies, even by SIGKILL, the pipe closes and we exit, so no orphaned Azurite is
// left holding ports and memory.
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
