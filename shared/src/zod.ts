// Every shared module takes `z` from here. The Chinese messages are switched on once, in ./locale, which
// index.ts imports first (calling config on the `z` namespace here would make bundlers keep every locale).
export { z } from 'zod'
