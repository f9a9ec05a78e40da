import { IntentSchema } from '../../core/intent/schema.js';

/**
 * A service whose SPEC has what app/models.py must get right: decimals written `10.00`, `0.0`, `1E3`
 * (and a list `[1, 2.5]`), a DELETE with a body and a GET with one, and paths whose models take the
 * names of the runtime's own (`StateResponse`, `HealthResponse`).
 */
export const TILL_INTENT = IntentSchema.parse({
  service_name: 'till',
  service_type: 'domain',
  purpose: 'Keeps the orders of a till',
  key_features: ['Orders', 'Cancel', 'State', 'Health check', 'Health report'],
  dependencies: [],
  port: 9123,
});

export const TILL_SPEC = `# SPEC: till

## Purpose & Scope
Keeps the orders of a till.

## API

### POST /orders
- Feature: Orders
- Request: \`{"amount": 10.00, "rate": 0.0, "big": 1E3, "qty": 2, "prices": [1, 2.5], "lines": [{"unit": 3}, {"unit": 4.75}]}\`
- Response: 201 \`{"id": "o1", "amount": 10.00, "qty": 2}\`

### DELETE /orders/{order-id}
- Feature: Cancel
- Request: \`{"reason": "duplicate", "refund": 1.5}\`
- Response: 200 \`{"order-id": "o1", "cancelled": true}\`

### GET /state/{id}
- Feature: State
- Request: none
- Response: 200 \`{"id": "s1", "level": 3}\`

### GET /health/{check}
- Feature: Health check
- Request: none
- Response: 200 \`{"check": "db", "ok": true}\`

### GET /health-report
- Feature: Health report
- Request: \`{"verbose": true}\`
- Response: 200 \`{"healthy": true}\`
`;
