/** The five endpoints every generated service serves (the runtime's, never a feature's). */
export const UDC_ENDPOINTS = [
  { method: 'GET', path: '/health' },
  { method: 'GET', path: '/capabilities' },
  { method: 'GET', path: '/state' },
  { method: 'GET', path: '/dependencies' },
  { method: 'POST', path: '/message' },
] as const;
