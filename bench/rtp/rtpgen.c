// rtpgen: RTP generator and sink for the relay benchmark (bench/rtp/relay-bench.sh). Binds and sends to 127.0.0.1 only,
// and stops by itself. Build: gcc -O2 -o rtpgen rtpgen.c -lpthread -lm
//
// paced RELAYBASE GENBASE CALLS SECS [-oneway] [-direct] [-shared] [-pta PT] [-ptb PT] [-ptime MS]
//   Call i has relay legs A on RELAYBASE+4i and B on RELAYBASE+4i+2: the relay's allocator hands out even RTP ports
//   (RTCP on the odd one above), leg A's pair first. By default each call has two "phones" of its own: phone A bound
//   to GENBASE+4i and phone B to GENBASE+4i+2 (the remotes the relay host gives the legs with --remote call:GENBASE).
//   Every PTIME ms (20) phone A sends one G.711 packet (12-byte header + 8 samples/ms) to leg A and phone B one to
//   leg B; each phone receives on its own socket what the relay sends to its leg. Sending from the receiving socket
//   is what keeps the relay's latch (symmetric RTP) on the address it was configured with, and it is also why the
//   sends cannot be batched with sendmmsg here: one packet per socket per tick.
//   -shared  one socket for all A phones (GENBASE) and one for all B phones (GENBASE+2; relay host --remote
//            side:GENBASE): sends go out in sendmmsg batches, and what comes back is told apart by its relay port.
//   -direct  the phones send to each other, no relay: the generator's and kernel's own loss, jitter and delay.
//   -oneway  A -> B only.
//   Per stream it counts packets, loss by sequence (RFC 3550 A.3), interarrival jitter (A.8, from the kernel's
//   receive time stamp) and one-way delay (send time of the same tick, found through the marker bit of the first
//   packet: the relay shifts sequence numbers by a constant but keeps the marker).
// blast DSTBASE STRIDE NPORTS GENPORT SECS BATCH [PPS] [-pt LIST]
//   One socket bound to GENPORT sends RTP round-robin to DSTBASE + k*STRIDE (k < NPORTS) with sendmmsg in batches
//   of BATCH, as fast as it can or at PPS, with sequence number, timestamp and SSRC kept per destination; the payload
//   type cycles through LIST (e.g. 0,8 for a transcoding relay's A and B legs). A second thread receives on the same
//   socket (every relay leg's remote is GENPORT, so latching keeps it there) and counts what comes back.
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <unistd.h>
#include <errno.h>
#include <time.h>
#include <math.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/epoll.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#define MAXB 64
#define PKT 2048
#define RING 256             // send times kept per stream: 5.12 s at 20 ms; a longer delay would alias
#define DELAY_BUCKETS 200000 // 10 us each, up to 2 s
#define JIT_BUCKETS 200000   // 1 us each, up to 200 ms
#define WARMUP_PACKETS 50    // jitter and delay count from the second second of each stream (A.8's estimate settles)
#define SSRC_BASE 0x5a000000u

static int64_t ns(clockid_t c){struct timespec t;clock_gettime(c,&t);return (int64_t)t.tv_sec*1000000000+t.tv_nsec;}
static struct sockaddr_in lo(int port){struct sockaddr_in a={.sin_family=AF_INET,.sin_port=htons(port)};a.sin_addr.s_addr=htonl(INADDR_LOOPBACK);return a;}
static int mksock(int port,int buf,int tstamp){
  int s=socket(AF_INET,SOCK_DGRAM,0); if(s<0){perror("socket");exit(1);}
  if(buf){setsockopt(s,SOL_SOCKET,SO_RCVBUF,&buf,sizeof buf);setsockopt(s,SOL_SOCKET,SO_SNDBUF,&buf,sizeof buf);}
  // Kernel receive time (CLOCK_REALTIME): the moment the relay's send landed, not when this thread got to it.
  if(tstamp){int on=1;setsockopt(s,SOL_SOCKET,SO_TIMESTAMPNS,&on,sizeof on);}
  if(port){struct sockaddr_in a=lo(port); if(bind(s,(void*)&a,sizeof a)){fprintf(stderr,"bind %d: %s\n",port,strerror(errno));exit(1);}}
  return s;}
static void put16(uint8_t*p,uint16_t v){p[0]=v>>8;p[1]=v;}
static void put32(uint8_t*p,uint32_t v){p[0]=v>>24;p[1]=v>>16;p[2]=v>>8;p[3]=v;}
static uint16_t get16(const uint8_t*p){return (uint16_t)(p[0]<<8|p[1]);}
static uint32_t get32(const uint8_t*p){return (uint32_t)p[0]<<24|(uint32_t)p[1]<<16|(uint32_t)p[2]<<8|p[3];}
static void rtp_header(uint8_t*p,int marker,int pt,uint16_t seq,uint32_t ts,uint32_t ssrc){
  p[0]=0x80; p[1]=(uint8_t)((marker?0x80:0)|(pt&0x7f)); put16(p+2,seq); put32(p+4,ts); put32(p+8,ssrc);}
static uint32_t rnd32(void){return (uint32_t)random()<<16^(uint32_t)random();}

// ---------------------------------------------------------------------------------------------------- paced mode
typedef struct {int64_t ns; int32_t tick;} sent_t;
typedef struct {
  // sending side (the generator thread)
  int sock; struct sockaddr_in dst; int pt; uint32_t ssrc; uint16_t seq0; uint32_t ts0; long sent;
  sent_t ring[RING];
  // receiving side (the receiver thread), for this stream's packets arriving at the far phone
  long received, dup, reordered; int have; uint16_t base_seq, max_seq; uint32_t cycles;
  int64_t last_arr; uint32_t last_ts; double jitter; int aligned; uint16_t seq_k0;
} stream_t;

static stream_t *st; static int nstreams, ncalls, relaybase, genbase, oneway, direct, shared, spp, ptime_ms;
static int64_t t_end_mono, t_stop_rx; static int64_t sender_done;  // the receiver drains 500 ms past the later of the two
static long bad, unknown, unaligned_pkts;
static long *delay_h, *jit_h; static long delay_n, jit_n; static double jit_sum, delay_sum; static double jit_max, delay_max;

static void on_packet(stream_t*s,const uint8_t*p,int len,int64_t arr){
  if(len<12||(p[0]>>6)!=2){bad++;return;}
  uint16_t seq=get16(p+2); uint32_t ts=get32(p+4); int marker=p[1]>>7;
  s->received++;
  if(!s->have){s->have=1;s->base_seq=s->max_seq=seq;s->cycles=0;s->last_arr=arr;s->last_ts=ts;}
  else{
    uint16_t delta=(uint16_t)(seq-s->max_seq);
    if(delta==0) s->dup++;
    else if(delta<0x8000){if(seq<s->max_seq) s->cycles+=65536; s->max_seq=seq;}
    else s->reordered++;
    // RFC 3550 A.8: D = (Rj - Ri) - (Sj - Si) in timestamp units; J += (|D| - J)/16.
    double d=(double)(arr-s->last_arr)*spp/(ptime_ms*1e6) - (double)(int32_t)(ts-s->last_ts);
    s->jitter+=(fabs(d)-s->jitter)/16.0; s->last_arr=arr; s->last_ts=ts;
  }
  if(marker&&!s->aligned){s->aligned=1;s->seq_k0=seq;}
  if(s->received<=WARMUP_PACKETS) return;
  double jms=s->jitter*ptime_ms/spp; long jb=(long)(jms*1000); if(jb>=JIT_BUCKETS) jb=JIT_BUCKETS-1;
  jit_h[jb]++; jit_n++; jit_sum+=jms; if(jms>jit_max) jit_max=jms;
  if(!s->aligned){unaligned_pkts++;return;}
  int k=(uint16_t)(seq-s->seq_k0);
  // The slot was written before the packet was sent and is rewritten RING ticks later: checking its tick suffices.
  sent_t*e=&s->ring[k%RING];
  if(__atomic_load_n(&e->tick,__ATOMIC_ACQUIRE)!=k){unaligned_pkts++;return;}
  double dms=(arr-__atomic_load_n(&e->ns,__ATOMIC_RELAXED))/1e6; long db=(long)(dms*100); if(db<0) db=0; if(db>=DELAY_BUCKETS) db=DELAY_BUCKETS-1;
  delay_h[db]++; delay_n++; delay_sum+=dms; if(dms>delay_max) delay_max=dms;
}

// The upper edge of the bucket holding the p-th percentile of a histogram.
static double pct(const long*h,long buckets,long total,double p,double unit){
  if(!total) return 0;
  long want=(long)ceil(total*p/100.0),c=0;
  for(long i=0;i<buckets;i++){c+=h[i]; if(c>=want) return (i+1)*unit;}
  return buckets*unit;}

// Which stream a packet on a shared socket belongs to: by the relay port it came from, or, without a relay, by the
// SSRC the generator gave it (the relay replaces SSRCs, so that works only with -direct).
static stream_t* demux(int side_rx,const struct sockaddr_in*from,const uint8_t*p,int len){
  int idx;
  if(direct){if(len<12) return NULL; idx=(int)(get32(p+8)-SSRC_BASE);}
  else{int port=ntohs(from->sin_port)-relaybase; if(port<0||port%4!=(side_rx==1?2:0)) return NULL; idx=2*(port/4)+(side_rx==1?0:1);}
  return idx<0||idx>=nstreams?NULL:&st[idx];}

typedef struct {int sock; int stream; int side;} rxsock_t;  // stream < 0: shared socket, demux by packet
static rxsock_t *rx; static int nrx;

static void* receiver(void*arg){(void)arg;
  int ep=epoll_create1(0);
  for(int i=0;i<nrx;i++){struct epoll_event e={.events=EPOLLIN,.data.u32=i}; epoll_ctl(ep,EPOLL_CTL_ADD,rx[i].sock,&e);}
  static uint8_t buf[MAXB][PKT]; static char ctl[MAXB][256]; struct mmsghdr m[MAXB]; struct iovec iov[MAXB]; struct sockaddr_in from[MAXB];
  struct epoll_event ev[256];
  for(;;){
    int64_t t=ns(CLOCK_MONOTONIC), done=__atomic_load_n(&sender_done,__ATOMIC_ACQUIRE);
    if(t>=t_stop_rx&&done&&t>=done+500000000) break;
    int n=epoll_wait(ep,ev,256,50);
    for(int k=0;k<n;k++){rxsock_t*r=&rx[ev[k].data.u32]; int vlen=r->stream<0?MAXB:8;
      for(int i=0;i<vlen;i++){iov[i].iov_base=buf[i];iov[i].iov_len=PKT;memset(&m[i],0,sizeof m[i]);m[i].msg_hdr.msg_iov=&iov[i];m[i].msg_hdr.msg_iovlen=1;
        m[i].msg_hdr.msg_name=&from[i];m[i].msg_hdr.msg_namelen=sizeof from[i];m[i].msg_hdr.msg_control=ctl[i];m[i].msg_hdr.msg_controllen=sizeof ctl[i];}
      // Level-triggered: one call per readiness; whatever is left makes epoll report the socket again.
      int got=recvmmsg(r->sock,m,vlen,MSG_DONTWAIT,NULL); if(got<=0) continue;
      for(int i=0;i<got;i++){
        int64_t arr=0;
        for(struct cmsghdr*c=CMSG_FIRSTHDR(&m[i].msg_hdr);c;c=CMSG_NXTHDR(&m[i].msg_hdr,c))
          if(c->cmsg_level==SOL_SOCKET&&c->cmsg_type==SCM_TIMESTAMPNS){struct timespec t; memcpy(&t,CMSG_DATA(c),sizeof t); arr=(int64_t)t.tv_sec*1000000000+t.tv_nsec;}
        if(!arr) arr=ns(CLOCK_REALTIME);
        stream_t*s=r->stream>=0?&st[r->stream]:demux(r->side,&from[i],buf[i],(int)m[i].msg_len);
        if(!s){unknown++;continue;}
        on_packet(s,buf[i],(int)m[i].msg_len,arr);}}}
  return NULL;}

// Sends a -shared batch, stamping each packet's send time at the call rather than when it was built.
static long flush(int sock,struct mmsghdr*m,stream_t**who,int32_t k,int n,long*err){
  int64_t now=ns(CLOCK_REALTIME);
  for(int i=0;i<n;i++){sent_t*e=&who[i]->ring[k%RING]; __atomic_store_n(&e->ns,now,__ATOMIC_RELAXED); __atomic_store_n(&e->tick,k,__ATOMIC_RELEASE);}
  int r=sendmmsg(sock,m,n,0);
  if(r<n) *err+=n-(r>0?r:0);
  return r>0?r:0;}

static int paced(int argc,char**argv){
  if(argc<6){fprintf(stderr,"paced RELAYBASE GENBASE CALLS SECS [-oneway] [-direct] [-shared] [-pta PT] [-ptb PT] [-ptime MS]\n");return 2;}
  relaybase=atoi(argv[2]); genbase=atoi(argv[3]); ncalls=atoi(argv[4]); double secs=atof(argv[5]); int pta=0,ptb=0; ptime_ms=20;
  for(int i=6;i<argc;i++){
    if(!strcmp(argv[i],"-oneway")) oneway=1; else if(!strcmp(argv[i],"-direct")) direct=1; else if(!strcmp(argv[i],"-shared")) shared=1;
    else if(!strcmp(argv[i],"-pta")&&i+1<argc) pta=atoi(argv[++i]); else if(!strcmp(argv[i],"-ptb")&&i+1<argc) ptb=atoi(argv[++i]);
    else if(!strcmp(argv[i],"-ptime")&&i+1<argc) ptime_ms=atoi(argv[++i]);
    else {fprintf(stderr,"unknown option %s\n",argv[i]);return 2;}}
  if(ncalls<1||ncalls>5000||secs<=0||secs>120||ptime_ms<10||ptime_ms>60){fprintf(stderr,"CALLS 1..5000, SECS up to 120, PTIME 10..60\n");return 2;}
  spp=8*ptime_ms; int len=12+spp;
  nstreams=2*ncalls; st=calloc(nstreams,sizeof *st); delay_h=calloc(DELAY_BUCKETS,sizeof(long)); jit_h=calloc(JIT_BUCKETS,sizeof(long));
  rx=calloc(2*ncalls+2,sizeof *rx);
  srandom((unsigned)ns(CLOCK_REALTIME));
  int sharedA=-1,sharedB=-1;
  if(shared){sharedA=mksock(genbase,4*1024*1024,1); sharedB=mksock(genbase+2,4*1024*1024,1);
    rx[nrx++]=(rxsock_t){sharedB,-1,1}; if(!oneway) rx[nrx++]=(rxsock_t){sharedA,-1,0};}
  for(int i=0;i<ncalls;i++){
    int sa,sb;
    if(shared){sa=sharedA;sb=sharedB;}
    else{sa=mksock(genbase+4*i,0,1); sb=mksock(genbase+4*i+2,0,1);
      rx[nrx++]=(rxsock_t){sb,2*i,1}; if(!oneway) rx[nrx++]=(rxsock_t){sa,2*i+1,0};}
    // Stream 2i: phone A -> leg A (-> relay -> phone B). Stream 2i+1: phone B -> leg B (-> phone A).
    int pa=direct?(shared?genbase+2:genbase+4*i+2):relaybase+4*i, pb=direct?(shared?genbase:genbase+4*i):relaybase+4*i+2;
    st[2*i]=(stream_t){.sock=sa,.dst=lo(pa),.pt=pta,.ssrc=SSRC_BASE+2*i,.seq0=(uint16_t)rnd32(),.ts0=rnd32()};
    st[2*i+1]=(stream_t){.sock=sb,.dst=lo(pb),.pt=ptb,.ssrc=SSRC_BASE+2*i+1,.seq0=(uint16_t)rnd32(),.ts0=rnd32()};
    for(int s=2*i;s<2*i+2;s++) for(int r=0;r<RING;r++) st[s].ring[r].tick=-1;}
  int64_t ptns=(int64_t)ptime_ms*1000000, t0=ns(CLOCK_MONOTONIC)+100000000; t_end_mono=t0+(int64_t)(secs*1e9); t_stop_rx=t_end_mono+500000000;
  pthread_t th; pthread_create(&th,NULL,receiver,NULL);
  static uint8_t pk[MAXB][PKT]; struct mmsghdr m[MAXB]; struct iovec iov[MAXB]; stream_t*who[MAXB]; int nb=0;
  uint8_t payload[480]; for(int i=0;i<(int)sizeof payload;i++) payload[i]=(uint8_t)(0x55^(i*7));  // any bytes: G.711 has no invalid code
  long sent=0,senderr=0; long lag_h[1000]={0}; long ticks=0; double lag_max=0;
  for(int32_t k=0;;k++){
    int64_t tick=t0+k*ptns; if(tick>=t_end_mono) break;
    struct timespec ts={tick/1000000000,tick%1000000000}; while(clock_nanosleep(CLOCK_MONOTONIC,TIMER_ABSTIME,&ts,NULL)==EINTR);
    double lag=(ns(CLOCK_MONOTONIC)-tick)/1e6; int lb=(int)(lag*10); if(lb>999) lb=999; lag_h[lb]++; ticks++; if(lag>lag_max) lag_max=lag;
    // All A phones' streams (even), then all B phones' (odd): with -shared each pass is one socket's sendmmsg batches.
    for(int pass=0;pass<(oneway?1:2);pass++){
      for(int s=pass;s<nstreams;s+=2){
        stream_t*x=&st[s]; uint8_t*p=pk[shared?nb:0];
        rtp_header(p,k==0,x->pt,(uint16_t)(x->seq0+k),x->ts0+(uint32_t)k*spp,x->ssrc); memcpy(p+12,payload,spp);
        x->sent++;
        if(!shared){sent_t*e=&x->ring[k%RING]; __atomic_store_n(&e->ns,ns(CLOCK_REALTIME),__ATOMIC_RELAXED); __atomic_store_n(&e->tick,k,__ATOMIC_RELEASE);
          if(sendto(x->sock,p,len,0,(void*)&x->dst,sizeof x->dst)==len) sent++; else senderr++; continue;}
        iov[nb].iov_base=p; iov[nb].iov_len=len; memset(&m[nb],0,sizeof m[nb]);
        m[nb].msg_hdr.msg_iov=&iov[nb]; m[nb].msg_hdr.msg_iovlen=1; m[nb].msg_hdr.msg_name=&x->dst; m[nb].msg_hdr.msg_namelen=sizeof x->dst;
        who[nb]=x;
        if(++nb==MAXB){sent+=flush(x->sock,m,who,k,nb,&senderr); nb=0;}}
      if(nb){sent+=flush(pass?sharedB:sharedA,m,who,k,nb,&senderr); nb=0;}}}
  __atomic_store_n(&sender_done,ns(CLOCK_MONOTONIC),__ATOMIC_RELEASE);
  pthread_join(th,NULL);
  long received=0,seq_lost=0,dup=0,reord=0,silent=0,unaligned=0; double jfinal=0;
  for(int s=0;s<nstreams;s++){stream_t*x=&st[s]; if(oneway&&(s&1)) continue;
    received+=x->received; dup+=x->dup; reord+=x->reordered; jfinal+=x->jitter*ptime_ms/spp;
    if(!x->have){silent++;continue;} if(!x->aligned) unaligned++;
    long expected=(long)(x->cycles+x->max_seq)-x->base_seq+1; seq_lost+=expected-(x->received-x->dup);}
  int active=oneway?ncalls:nstreams; long lc=0; double lag99=0; for(int i=0;i<1000;i++){lc+=lag_h[i]; if(lc>=(long)ceil(ticks*0.99)){lag99=(i+1)/10.0;break;}}
  printf("rtpgen paced calls=%d streams=%d mode=%s%s secs=%.1f sent=%ld senderr=%ld received=%ld lost=%ld loss_pct=%.4f seq_lost=%ld dup=%ld reordered=%ld"
         " silent_streams=%d unaligned_streams=%ld unaligned_packets=%ld bad=%ld unknown=%ld"
         " jitter_mean_ms=%.3f jitter_p99_ms=%.3f jitter_max_ms=%.3f jitter_final_mean_ms=%.3f"
         " delay_mean_ms=%.3f delay_p50_ms=%.2f delay_p99_ms=%.2f delay_max_ms=%.2f tick_lag_p99_ms=%.1f tick_lag_max_ms=%.1f\n",
    ncalls,active,shared?"shared":"per-stream",direct?"+direct":"",secs,sent,senderr,received,sent-received,sent?100.0*(sent-received)/sent:0,seq_lost,dup,reord,
    (int)silent,unaligned,unaligned_pkts,bad,unknown,
    jit_n?jit_sum/jit_n:0,pct(jit_h,JIT_BUCKETS,jit_n,99,0.001),jit_max,jfinal/active,
    delay_n?delay_sum/delay_n:0,pct(delay_h,DELAY_BUCKETS,delay_n,50,0.01),pct(delay_h,DELAY_BUCKETS,delay_n,99,0.01),delay_max,lag99,lag_max);
  return 0;}

// ---------------------------------------------------------------------------------------------------- blast mode
static volatile int blast_done; static long got; static int64_t got_first, got_last;
typedef struct {int sock; int64_t end;} sinkarg_t;
static void* blast_sink(void*arg){sinkarg_t*a=arg;
  static uint8_t buf[MAXB][PKT]; struct mmsghdr m[MAXB]; struct iovec iov[MAXB];
  for(int i=0;i<MAXB;i++){iov[i].iov_base=buf[i];iov[i].iov_len=PKT;memset(&m[i],0,sizeof m[i]);m[i].msg_hdr.msg_iov=&iov[i];m[i].msg_hdr.msg_iovlen=1;}
  while(ns(CLOCK_MONOTONIC)<a->end){int r=recvmmsg(a->sock,m,MAXB,0,NULL); if(r<=0) continue;
    int64_t t=ns(CLOCK_MONOTONIC); if(!got_first) got_first=t; got+=r; got_last=t;}
  return NULL;}

static int blast(int argc,char**argv){
  if(argc<8){fprintf(stderr,"blast DSTBASE STRIDE NPORTS GENPORT SECS BATCH [PPS] [-pt LIST]\n");return 2;}
  int base=atoi(argv[2]),stride=atoi(argv[3]),np=atoi(argv[4]),gport=atoi(argv[5]); double secs=atof(argv[6]); int b=atoi(argv[7]); double pps=0;
  int pts[16]={0},npt=1;
  for(int i=8;i<argc;i++){
    if(!strcmp(argv[i],"-pt")&&i+1<argc){npt=0; for(char*t=strtok(argv[++i],",");t&&npt<16;t=strtok(NULL,",")) pts[npt++]=atoi(t); if(!npt){npt=1;pts[0]=0;}}
    else if(argv[i][0]!='-') pps=atof(argv[i]); else {fprintf(stderr,"unknown option %s\n",argv[i]);return 2;}}
  if(np<1||np>20000||stride<1||b<1||b>MAXB||secs<=0||secs>120){fprintf(stderr,"NPORTS 1..20000, BATCH 1..%d, SECS up to 120\n",MAXB);return 2;}
  int s=mksock(gport,4*1024*1024,0); struct timeval tv={0,200000}; setsockopt(s,SOL_SOCKET,SO_RCVTIMEO,&tv,sizeof tv);
  struct sockaddr_in*dst=malloc(sizeof *dst*np); uint16_t*seq=malloc(sizeof *seq*np); uint32_t*ts=malloc(sizeof *ts*np);
  srandom((unsigned)ns(CLOCK_REALTIME));
  for(int d=0;d<np;d++){dst[d]=lo(base+d*stride);seq[d]=(uint16_t)rnd32();ts[d]=rnd32();}
  int64_t t0=ns(CLOCK_MONOTONIC), end=t0+(int64_t)(secs*1e9);
  sinkarg_t sa={s,end+1000000000}; pthread_t th; pthread_create(&th,NULL,blast_sink,&sa);
  static uint8_t buf[MAXB][PKT]; struct mmsghdr m[MAXB]; struct iovec iov[MAXB];
  for(int i=0;i<b;i++){memset(buf[i],0x55,172);iov[i].iov_base=buf[i];iov[i].iov_len=172;memset(&m[i],0,sizeof m[i]);
    m[i].msg_hdr.msg_iov=&iov[i];m[i].msg_hdr.msg_iovlen=1;m[i].msg_hdr.msg_namelen=sizeof(struct sockaddr_in);}
  long sent=0,err=0; unsigned rr=0;
  while(1){int64_t t=ns(CLOCK_MONOTONIC); if(t>=end) break;
    if(pps>0){int64_t due=t0+(int64_t)(sent/pps*1e9); if(due>t){struct timespec w={due/1000000000,due%1000000000}; clock_nanosleep(CLOCK_MONOTONIC,TIMER_ABSTIME,&w,NULL); continue;}}
    for(int i=0;i<b;i++){unsigned d=rr++%np; rtp_header(buf[i],0,pts[d%npt],seq[d]++,ts[d],0x20000000u+d); ts[d]+=160; m[i].msg_hdr.msg_name=&dst[d];}
    int r=sendmmsg(s,m,b,0); if(r<0){err++;continue;} sent+=r;}
  double el=(ns(CLOCK_MONOTONIC)-t0)/1e9;
  pthread_join(th,NULL);
  printf("rtpgen blast nports=%d batch=%d sent=%ld pps=%.0f err=%ld received=%ld rx_pps=%.0f (over %.2fs of traffic)\n",
    np,b,sent,sent/el,err,got,got_last>got_first?got/((got_last-got_first)/1e9):0,(got_last-got_first)/1e9);
  return 0;}

int main(int argc,char**argv){
  if(argc>=2&&!strcmp(argv[1],"paced")) return paced(argc,argv);
  if(argc>=2&&!strcmp(argv[1],"blast")) return blast(argc,argv);
  fprintf(stderr,"usage: rtpgen paced RELAYBASE GENBASE CALLS SECS [-oneway] [-direct] [-shared] [-pta PT] [-ptb PT] [-ptime MS]\n"
                 "       rtpgen blast DSTBASE STRIDE NPORTS GENPORT SECS BATCH [PPS] [-pt LIST]\n");
  return 2;}
