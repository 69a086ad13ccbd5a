export { instrumentMcpClient, instrumentMcpServer } from './instrument.ts';
export { McpInstrumentation } from './instrumentation.ts';
export { MCP_LOADER_INCLUDE } from './loader-include.ts';
export {
  ATTR_JSONRPC_REQUEST_ID,
  ATTR_MCP_METHOD_NAME,
  ATTR_MCP_PROTOCOL_VERSION,
  ATTR_MCP_RESOURCE_URI,
  ATTR_MCP_SESSION_ID,
  ERROR_TYPE_VALUE_TOOL_ERROR,
} from './semconv.ts';
export type { InstrumentMcpOptions, McpInstrumentationConfig } from './types.ts';
export {
  isSupportedSdk2Version,
  isSupportedSdkVersion,
  SUPPORTED_SDK_VERSIONS,
  SUPPORTED_SDK2_VERSIONS,
} from './version.ts';
