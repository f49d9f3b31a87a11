# carebridge gateway image: build with the dev toolchain, run the compiled JavaScript on node:20-slim.
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:20-slim
ENV NODE_ENV=production PORT=8080 MLLP_PORT=2575 DATA_DIR=/var/lib/carebridge
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY profiles ./profiles
COPY mappings ./mappings
COPY demo ./demo
RUN mkdir -p /var/lib/carebridge && chown node:node /var/lib/carebridge
USER node
EXPOSE 8080 2575
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/livez').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/main.js"]
