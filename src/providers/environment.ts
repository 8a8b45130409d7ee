/**
 * Where each provider's API key, base URL and extra headers come from. The clients read them; the CLI names them in
 * its messages, and takes them from here so that `tunekit --help` does not load a client.
 */
export const providerEnvironment = {
  nebius: { apiKey: 'NEBIUS_API_KEY', baseUrl: 'NEBIUS_BASE_URL' },
  together: { apiKey: 'TOGETHER_API_KEY', baseUrl: 'TOGETHER_BASE_URL' },
  openai: {
    apiKey: 'OPENAI_API_KEY',
    baseUrl: 'OPENAI_BASE_URL',
    headers: { 'OpenAI-Organization': 'OPENAI_ORG_ID', 'OpenAI-Project': 'OPENAI_PROJECT_ID' },
  },
} as const;
