import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [sveltekit()],
  server: {
    // In development the API runs on `caijian serve` (port 3000); the built app is same-origin.
    proxy: { '/api': 'http://localhost:3000' },
  },
  // Kit's server runtime imports `cookie` 0.6 (nested under @sveltejs/kit); left external it would
  // resolve to fastify's hoisted cookie 2, which has no `parse`, and the post-build step fails.
  ssr: { noExternal: ['cookie'] },
  build: {
    chunkSizeWarningLimit: 1200,
    // Rolldown's report of time spent in plugins (PLUGIN_TIMINGS): twenty lines of profiling advice
    // in the middle of `npm start` on a 2-core machine, about SvelteKit's plugins, not our code.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
});
